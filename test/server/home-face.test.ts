// `GET /` on a real server: a page for browsers, the API's 404 for everyone else.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { wantsHtml } from '../../src/server/home-face.ts';

const browserAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('GET /', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.stop();
  });

  it('answers a browser with a page linking the API discovery, the registry, health, metrics and docs', async () => {
    const response = await fetch(`${server.url}/`, { headers: { accept: browserAccept } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    const html = await response.text();
    for (const href of ['/api', '/apis', '/openapi/v3', '/v2/', '/healthz', '/readyz', '/metrics']) assert.ok(html.includes(`href="${href}"`), href);
    assert.match(html, /<h2>Documentation<\/h2>/);
    assert.ok(html.includes(`ims login ${server.url} --token`), 'says how to log in to this server');
    // Every link the page gives is served here (the registry and metrics ask for credentials).
    for (const href of [...html.matchAll(/href="(\/[^"]*)"/g)].map((m) => m[1])) {
      const status = (await fetch(`${server.url}${href}`, { headers: { authorization: `Bearer ${server.adminToken}` } })).status;
      assert.equal(status, 200, href);
    }
  });

  it("keeps the API's 404 Status for JSON clients, curl and kubectl", async () => {
    for (const accept of ['application/json', '*/*', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json', '']) {
      const response = await fetch(`${server.url}/`, { headers: accept ? { accept } : {} });
      assert.equal(response.status, 404, accept);
      const status = await response.json();
      assert.equal(status.kind, 'Status');
      assert.equal(status.reason, 'NotFound');
    }
  });

  it('names text/html only when asked for by name with a weight above zero', () => {
    assert.equal(wantsHtml(browserAccept), true);
    assert.equal(wantsHtml('text/html;q=0'), false);
    assert.equal(wantsHtml('*/*'), false);
    assert.equal(wantsHtml(null), false);
  });
});
