import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '../../src/server/http.ts';
import { requestBytes, sendRaw, type RawAnswer } from '../support/raw-http.ts';

describe('the HTTP adapter', () => {
  let server: Server;
  let port: number;
  const seen: string[] = [];
  const shutdown = new AbortController();

  before(async () => {
    server = createHttpServer(
      async (request) => {
        seen.push(`${request.method} ${new URL(request.url).pathname}`);
        return new Response(JSON.stringify({ host: new URL(request.url).host }), { headers: { 'content-type': 'application/json' } });
      },
      { shutdown: shutdown.signal },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    shutdown.abort();
    server.closeAllConnections();
    server.close();
  });

  const send = (method: string, path: string, headers: Record<string, string> = {}) =>
    sendRaw(port, requestBytes(port, { method, path, headers: { connection: 'close', ...headers } }));
  const json = (answer: RawAnswer) => JSON.parse(answer.body.toString('utf8'));

  it('answers TRACE and every other method no face serves with 405, in the format of the face the path belongs to', async () => {
    for (const method of ['TRACE', 'PROPFIND', 'BREW']) {
      const api = await send(method, '/api/v1/namespaces');
      assert.equal(api.status, 405, method);
      assert.deepEqual({ kind: json(api).kind, reason: json(api).reason, code: json(api).code }, { kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
      assert.match(json(api).message, new RegExp(`^the method ${method} is not allowed`));
      const registry = await send(method, '/v2/default/app/manifests/latest');
      assert.equal(registry.status, 405, method);
      assert.equal(json(registry).errors[0].code, 'UNSUPPORTED');
    }
    const connect = await sendRaw(port, `CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    assert.equal(connect.status, 405);
    assert.equal(json(connect).reason, 'MethodNotAllowed');
    assert.deepEqual(seen, [], 'no face saw any of them');
  });

  it('refuses a missing, doubled or malformed Host header with 400 before any face sees it', async () => {
    for (const host of ['a/b', 'example.com/api?', '[zz]', 'host:99999', '']) {
      const answer = await send('GET', '/api/v1/namespaces', { host });
      assert.equal(answer.status, 400, host);
      assert.equal(json(answer).message, `the request has a malformed Host header ${JSON.stringify(host)}`);
    }
    const none = await sendRaw(port, 'GET /v2/ HTTP/1.1\r\nConnection: close\r\n\r\n');
    assert.equal(none.status, 400);
    assert.deepEqual(json(none).errors, [{ code: 'UNSUPPORTED', message: 'the request has no Host header' }]);
    const two = await sendRaw(port, 'GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n');
    assert.equal(two.status, 400);
    assert.equal(json(two).message, 'the request has more than one Host header');
    assert.deepEqual(seen, []);
  });

  it('refuses a path with . or .. segments, plain or percent-encoded, before any face sees another path than the one sent', async () => {
    for (const path of ['/apis/image.openshift.io/v1/namespaces/p/imagestreamwebhooks/../s3cret/quay', '/api/v1/./namespaces', '/api/%2E%2e/x', '/v2/a/..']) {
      const answer = await send('POST', path);
      assert.equal(answer.status, 400, path);
      const body = json(answer);
      assert.equal(body.message ?? body.errors[0].message, 'the request path must not contain "." or ".." segments');
    }
    assert.equal((await send('GET', '/v2/a/..b/manifests/x..y')).status, 200, 'dots inside a segment are no dot segments');
    assert.deepEqual(seen, ['GET /v2/a/..b/manifests/x..y']);
  });

  it("answers request lines and headers Node cannot parse with a 4xx body in the face's format", async () => {
    const cases: [string, number, string][] = [
      ['GET /api/v1 HTTX/1.1\r\n\r\n', 400, 'Status'],
      ['GET /v2/ HTTP/1.1\r\nno colon\r\n\r\n', 400, 'OCI'],
      ['\u0001\u0002 /api HTTP/1.1\r\n\r\n', 400, 'Status'],
      [`GET /api HTTP/1.1\r\nHost: x\r\nX-Long: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'Status'],
    ];
    for (const [raw, status, format] of cases) {
      const answer = await sendRaw(port, Buffer.from(raw, 'latin1'));
      assert.equal(answer.status, status, JSON.stringify(raw.slice(0, 30)));
      const body = json(answer);
      assert.ok(format === 'OCI' ? Array.isArray(body.errors) : body.kind === 'Status' && body.code === status, JSON.stringify(body));
    }
  });

  it("answers an Expect it cannot meet with 417 in the face's format", async () => {
    const answer = await send('PUT', '/api/v1/namespaces/default/secrets/x', { expect: 'fancy-feature', 'content-length': '0' });
    assert.equal(answer.status, 417);
    assert.equal(json(answer).message, 'the expectation "fancy-feature" cannot be met');
  });

  it('serves a request whose target is in absolute form by its path', async () => {
    seen.length = 0;
    const answer = await send('GET', `http://127.0.0.1:${port}/v2/default/app/tags/list?n=1`);
    assert.equal(answer.status, 200);
    assert.deepEqual(seen, ['GET /v2/default/app/tags/list']);
    assert.equal(json(answer).host, `127.0.0.1:${port}`);
  });
});
