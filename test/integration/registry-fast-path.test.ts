// The cached manifest path in front of the web Request machinery answers exactly like the full
// path, and never skips authentication, authorization or a deletion.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { pushOverHttp } from '../support/http-push.ts';

describe('cached manifest answers', () => {
  let server: RunningServer;
  let digest: string;
  before(async () => {
    server = await startServer();
    digest = await pushOverHttp(server.url, server.adminToken, 'default/fast', 'v1', 'fast');
  });
  after(async () => {
    await server.stop();
  });
  const get = (method: string, token: string | undefined, reference = 'v1') =>
    fetch(`${server.url}/v2/default/fast/manifests/${reference}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('answers repeated GETs and HEADs with the same bytes and headers as the first', async () => {
    const first = await get('GET', server.adminToken);
    const firstBytes = Buffer.from(await first.arrayBuffer());
    for (let i = 0; i < 3; i++) {
      const again = await get('GET', server.adminToken);
      assert.ok(Buffer.from(await again.arrayBuffer()).equals(firstBytes));
      for (const header of ['content-type', 'content-length', 'docker-content-digest', 'docker-distribution-api-version'])
        assert.equal(again.headers.get(header), first.headers.get(header), header);
    }
    const head = await get('HEAD', server.adminToken);
    assert.equal(head.headers.get('content-length'), String(firstBytes.length));
    assert.equal((await head.arrayBuffer()).byteLength, 0);
  });

  it('still refuses a bad token, anonymous callers, and users who may not pull', async () => {
    await get('GET', server.adminToken);
    assert.equal((await get('GET', 'sha256~bogus')).status, 401);
    assert.equal((await get('GET', undefined)).status, 401);
    const sa = await (
      await fetch(`${server.url}/api/v1/namespaces/default/serviceaccounts`, { headers: { authorization: `Bearer ${server.adminToken}` } })
    ).json();
    assert.ok((sa as { items: unknown[] }).items.length > 0);
    const project = await fetch(`${server.url}/apis/project.openshift.io/v1/projectrequests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'other' } }),
    });
    assert.equal(project.status, 201);
    const token = await fetch(`${server.url}/api/v1/namespaces/other/serviceaccounts/default/token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ spec: {} }),
    });
    const outsider = ((await token.json()) as { status: { token: string } }).status.token;
    assert.equal((await get('GET', outsider)).status, 403);
  });

  it('stops answering a manifest once it is deleted', async () => {
    await get('GET', server.adminToken);
    const deleted = await fetch(`${server.url}/v2/default/fast/manifests/${digest}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    assert.equal(deleted.status, 202);
    assert.equal((await get('GET', server.adminToken, digest)).status, 404);
    assert.equal((await get('GET', server.adminToken)).status, 404);
  });
});
