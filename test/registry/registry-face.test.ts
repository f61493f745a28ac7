import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/api-harness.ts';
import { pushBlob, pushImage, registryRequest, sha256 } from '../support/registry-client.ts';

describe('registry protocol', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  describe('authentication', () => {
    it('challenges anonymous callers at /v2/ with the token realm', async () => {
      const answer = await registryRequest(h, 'GET', '/v2/', { token: null });
      assert.equal(answer.status, 401);
      assert.equal(answer.json.errors[0].code, 'UNAUTHORIZED');
      assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer realm="http:\/\/127\.0\.0\.1:8080\/openshift\/token",service="127\.0\.0\.1:8080"$/);
      assert.equal(answer.headers.get('docker-distribution-api-version'), 'registry/2.0');
      assert.equal((await registryRequest(h, 'GET', '/v2/')).status, 200);
    });

    it('gives anonymous a token of its own and echoes a valid API token sent as a password', async () => {
      assert.deepEqual((await registryRequest(h, 'GET', '/openshift/token', { token: null })).json, { token: 'anonymous', access_token: 'anonymous' });
      const basic = `Basic ${Buffer.from(`anyone:${h.adminToken}`).toString('base64')}`;
      const answer = await registryRequest(h, 'GET', '/openshift/token?service=x&scope=repository:default/app:pull', {
        token: null,
        headers: { authorization: basic },
      });
      assert.equal(answer.json.token, h.adminToken);
      const bad = await registryRequest(h, 'GET', '/openshift/token', {
        token: null,
        headers: { authorization: `Basic ${Buffer.from('u:sha256~nope').toString('base64')}` },
      });
      assert.equal(bad.status, 401);
      assert.equal(bad.json.details, 'unable to validate token');
      const badScope = await registryRequest(h, 'GET', '/openshift/token?scope=repository:onlyone:pull', { token: null, headers: { authorization: basic } });
      assert.equal(badScope.status, 401);
    });

    it('accepts Basic credentials with the token as password on registry requests', async () => {
      const answer = await registryRequest(h, 'GET', '/v2/', {
        token: null,
        headers: { authorization: `Basic ${Buffer.from(`u:${h.adminToken}`).toString('base64')}` },
      });
      assert.equal(answer.status, 200);
    });
  });

  describe('blobs and uploads', () => {
    it('uploads in chunks with Content-Range and refuses an out-of-order chunk with 416', async () => {
      const start = await registryRequest(h, 'POST', '/v2/default/chunks/blobs/uploads/');
      assert.equal(start.status, 202);
      const location = start.headers.get('location')!;
      assert.match(location, /^\/v2\/default\/chunks\/blobs\/uploads\/[0-9a-f-]{36}$/);
      assert.equal(start.headers.get('range'), '0-0');
      const first = await registryRequest(h, 'PATCH', location, {
        body: 'hello ',
        headers: { 'content-range': '0-5', 'content-type': 'application/octet-stream' },
      });
      assert.equal(first.status, 202);
      assert.equal(first.headers.get('range'), '0-5');
      const skipped = await registryRequest(h, 'PATCH', location, { body: 'xx', headers: { 'content-range': '10-11' } });
      assert.equal(skipped.status, 416);
      assert.equal(skipped.json.errors[0].code, 'RANGE_INVALID');
      await registryRequest(h, 'PATCH', location, { body: 'world' });
      const status = await registryRequest(h, 'GET', location);
      assert.equal(status.status, 204);
      assert.equal(status.headers.get('range'), '0-10');
      const digest = sha256('hello world');
      const done = await registryRequest(h, 'PUT', `${location}?digest=${digest}`);
      assert.equal(done.status, 201);
      assert.equal(done.headers.get('docker-content-digest'), digest);
      assert.equal(done.headers.get('location'), `/v2/default/chunks/blobs/${digest}`);
      const read = await registryRequest(h, 'GET', `/v2/default/chunks/blobs/${digest}`);
      assert.equal(read.bytes.toString(), 'hello world');
      assert.equal(read.headers.get('content-length'), '11');
    });

    it('closes an upload with a last chunk only at the next byte: an out-of-order closing PUT gets 416 and the upload goes on', async () => {
      const location = (await registryRequest(h, 'POST', '/v2/default/closing/blobs/uploads/')).headers.get('location')!;
      await registryRequest(h, 'PATCH', location, { body: 'hello ', headers: { 'content-range': '0-5' } });
      const digest = sha256('hello world');
      const outOfOrder = await registryRequest(h, 'PUT', `${location}?digest=${digest}`, {
        body: 'world',
        headers: { 'content-range': '8-12', 'content-length': '5' },
      });
      assert.equal(outOfOrder.status, 416);
      assert.equal(outOfOrder.json.errors[0].code, 'RANGE_INVALID');
      assert.equal((await registryRequest(h, 'GET', location)).headers.get('range'), '0-5', 'nothing of the refused chunk was kept');
      const closed = await registryRequest(h, 'PUT', `${location}?digest=${digest}`, {
        body: 'world',
        headers: { 'content-range': '6-10', 'content-length': '5' },
      });
      assert.equal(closed.status, 201);
      assert.equal((await registryRequest(h, 'GET', `/v2/default/closing/blobs/${digest}`)).bytes.toString(), 'hello world');
    });

    it('refuses a chunk whose Content-Range ends before it starts (416) or names another length (400)', async () => {
      const start = await registryRequest(h, 'POST', '/v2/default/ranged/blobs/uploads/');
      const location = start.headers.get('location')!;
      assert.equal((await registryRequest(h, 'PATCH', location, { body: 'hello ', headers: { 'content-range': '0-5' } })).status, 202);
      const backwards = await registryRequest(h, 'PATCH', location, { body: 'xx', headers: { 'content-range': '6-5' } });
      assert.equal(backwards.status, 416);
      assert.equal(backwards.json.errors[0].code, 'RANGE_INVALID');
      assert.equal(backwards.json.errors[0].message, 'invalid Content-Range "6-5": it must be <start>-<end> with start <= end');
      const longer = await registryRequest(h, 'PATCH', location, { body: 'world', headers: { 'content-range': '6-7', 'content-length': '5' } });
      assert.equal(longer.status, 400);
      assert.equal(longer.json.errors[0].code, 'SIZE_INVALID');
      assert.equal((await registryRequest(h, 'GET', location)).headers.get('range'), '0-5', 'neither chunk was taken');
    });

    it('refuses a final PUT whose digest does not match and stores nothing', async () => {
      const start = await registryRequest(h, 'POST', '/v2/default/bad/blobs/uploads/');
      const wrong = sha256('something else');
      const answer = await registryRequest(h, 'PUT', `${start.headers.get('location')}?digest=${wrong}`, { body: 'content' });
      assert.equal(answer.status, 400);
      assert.equal(answer.json.errors[0].code, 'DIGEST_INVALID');
      assert.equal((await registryRequest(h, 'HEAD', `/v2/default/bad/blobs/${wrong}`)).status, 404);
      const malformed = await registryRequest(h, 'GET', '/v2/default/bad/blobs/sha256:short');
      assert.equal(malformed.status, 400);
      assert.equal(malformed.json.errors[0].code, 'DIGEST_INVALID');
    });

    it('serves ranges with 206 and answers an unsatisfiable range with 416', async () => {
      const digest = await pushBlob(h, 'default/ranges', '0123456789');
      const part = await registryRequest(h, 'GET', `/v2/default/ranges/blobs/${digest}`, { headers: { range: 'bytes=2-5' } });
      assert.equal(part.status, 206);
      assert.equal(part.bytes.toString(), '2345');
      assert.equal(part.headers.get('content-range'), 'bytes 2-5/10');
      const tail = await registryRequest(h, 'GET', `/v2/default/ranges/blobs/${digest}`, { headers: { range: 'bytes=-3' } });
      assert.equal(tail.bytes.toString(), '789');
      const beyond = await registryRequest(h, 'GET', `/v2/default/ranges/blobs/${digest}`, { headers: { range: 'bytes=20-' } });
      assert.equal(beyond.status, 416);
      assert.equal(beyond.headers.get('content-range'), 'bytes */10');
    });

    it('answers HEAD exactly like GET without a body', async () => {
      const digest = await pushBlob(h, 'default/heads', 'head me');
      const get = await registryRequest(h, 'GET', `/v2/default/heads/blobs/${digest}`);
      const head = await registryRequest(h, 'HEAD', `/v2/default/heads/blobs/${digest}`);
      assert.equal(head.status, 200);
      assert.equal(head.bytes.length, 0);
      for (const name of ['content-length', 'docker-content-digest', 'content-type']) assert.equal(head.headers.get(name), get.headers.get(name), name);
    });

    it('cancels an upload', async () => {
      const start = await registryRequest(h, 'POST', '/v2/default/cancel/blobs/uploads/');
      assert.equal((await registryRequest(h, 'DELETE', start.headers.get('location')!)).status, 204);
      const after = await registryRequest(h, 'GET', start.headers.get('location')!);
      assert.equal(after.status, 404);
      assert.equal(after.json.errors[0].code, 'BLOB_UPLOAD_UNKNOWN');
    });

    it('does not let an upload session of one repository be used from another', async () => {
      const start = await registryRequest(h, 'POST', '/v2/default/one/blobs/uploads/');
      const id = start.headers.get('location')!.split('/').pop();
      const other = await registryRequest(h, 'PATCH', `/v2/default/two/blobs/uploads/${id}`, { body: 'x' });
      assert.equal(other.status, 404);
      assert.equal(other.json.errors[0].code, 'BLOB_UPLOAD_UNKNOWN');
    });

    it('serves a blob only in the repositories it is linked to', async () => {
      const digest = await pushBlob(h, 'default/owner', 'private layer');
      const elsewhere = await registryRequest(h, 'GET', `/v2/default/stranger/blobs/${digest}`);
      assert.equal(elsewhere.status, 404);
      assert.equal(elsewhere.json.errors[0].code, 'BLOB_UNKNOWN');
    });

    it('mounts a blob from a repository the caller may pull, and falls back to an upload otherwise', async () => {
      const digest = await pushBlob(h, 'default/source', 'shared layer');
      const mounted = await registryRequest(h, 'POST', `/v2/default/target/blobs/uploads/?mount=${digest}&from=default/source`);
      assert.equal(mounted.status, 201);
      assert.equal((await registryRequest(h, 'GET', `/v2/default/target/blobs/${digest}`)).bytes.toString(), 'shared layer');
      const user = await h.userToken('mounter');
      await h.request('POST', '/apis/project.openshift.io/v1/projectrequests', { token: user, body: { metadata: { name: 'mounters' } } });
      const refused = await registryRequest(h, 'POST', `/v2/mounters/target/blobs/uploads/?mount=${digest}&from=default/source`, { token: user });
      assert.equal(refused.status, 202, 'no pull right on the source: a plain upload session instead');
      assert.equal((await registryRequest(h, 'GET', `/v2/mounters/target/blobs/${digest}`, { token: user })).status, 404);
    });

    it('answers writes to the base, catalog, tags and referrers routes with 405', async () => {
      await pushImage(h, 'default/listed', 'v1');
      for (const [method, path] of [
        ['PUT', '/v2/'],
        ['DELETE', '/v2/'],
        ['POST', '/v2/_catalog'],
        ['DELETE', '/v2/default/listed/tags/list'],
        ['PUT', `/v2/default/listed/referrers/${sha256('x')}`],
      ]) {
        const answer = await registryRequest(h, method, path, { body: method === 'DELETE' ? undefined : '{}' });
        assert.equal(answer.status, 405, `${method} ${path}`);
        assert.equal(answer.json.errors[0].code, 'UNSUPPORTED');
      }
    });

    it('refuses a page size that is no whole number with 400', async () => {
      for (const path of ['/v2/_catalog?n=abc', '/v2/default/listed/tags/list?n=-1']) {
        const answer = await registryRequest(h, 'GET', path);
        assert.equal(answer.status, 400, path);
        assert.equal(answer.json.errors[0].code, 'PAGINATION_NUMBER_INVALID');
      }
    });

    it('refuses repository names that are not <project>/<name> or not in the OCI grammar', async () => {
      for (const path of ['/v2/onlyone/tags/list', '/v2/a/b/c/tags/list', '/v2/Upper/case/tags/list', '/v2/..%2F..%2Fetc/passwd/tags/list']) {
        const answer = await registryRequest(h, 'GET', path);
        assert.equal(answer.status, 400, path);
        assert.equal(answer.json.errors[0].code, 'NAME_INVALID', path);
      }
    });
  });
});
