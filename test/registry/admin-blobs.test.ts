// The blob endpoints a prune uses: a paged listing of every stored blob with its size and age, and
// a delete that answers 409 for a blob it keeps so that the prune goes on with the next.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from '../support/api-harness.ts';
import { pushBlob, registryRequest, sha256 } from '../support/registry-client.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { MemoryBlobStore } from '../../src/blobs/memory/memory-blob-store.ts';

describe('GET /admin/blobs/', () => {
  it('lists every stored blob with its size and when it was written, a page at a time, to admins only', async () => {
    const clock = fakeClock();
    const h = await startHarness([], { blobs: new MemoryBlobStore({ clock }) });
    const writtenAt = clock.now().toISOString();
    const contents = ['a killed push', 'another layer', 'a third'];
    for (const content of contents) await pushBlob(h, 'default/listed', content);
    const session = await registryRequest(h, 'POST', '/v2/default/listed/blobs/uploads/');
    await registryRequest(h, 'PATCH', session.headers.get('location')!, { body: 'an upload in flight is no blob' });
    const expected = contents.map((c) => ({ digest: sha256(c), size: c.length, modifiedAt: writtenAt })).sort((a, b) => a.digest.localeCompare(b.digest));

    const first = await registryRequest(h, 'GET', '/admin/blobs/?n=2');
    assert.equal(first.status, 200);
    assert.deepEqual(first.json, { blobs: expected.slice(0, 2) });
    const next = /^<([^>]+)>; rel="next"$/.exec(first.headers.get('link') ?? '')?.[1];
    assert.equal(next, `/admin/blobs/?n=2&last=${encodeURIComponent(expected[1].digest)}`);
    const second = await registryRequest(h, 'GET', next!);
    assert.deepEqual(second.json, { blobs: expected.slice(2) });
    assert.equal(second.headers.get('link'), null);
    assert.deepEqual((await registryRequest(h, 'GET', '/admin/blobs/')).json, { blobs: expected });

    const user = await h.userToken('someone');
    assert.equal((await registryRequest(h, 'GET', '/admin/blobs/', { token: user })).status, 403);
    assert.equal((await registryRequest(h, 'GET', '/admin/blobs/', { token: null })).status, 401);
    assert.equal((await registryRequest(h, 'GET', '/admin/blobs/?n=0')).status, 400);
  });
});

describe('DELETE /admin/blobs/<digest>', () => {
  it('answers 409 for a blob written within keepYoungerThanSeconds and keeps it', async () => {
    const h = await startHarness();
    const digest = await pushBlob(h, 'default/young', 'just pushed');
    const kept = await registryRequest(h, 'DELETE', `/admin/blobs/${digest}?keepYoungerThanSeconds=3600`);
    assert.equal(kept.status, 409);
    assert.match(kept.json.errors[0].message, /was written less than 3600s ago/);
    assert.equal((await registryRequest(h, 'GET', `/v2/default/young/blobs/${digest}`)).bytes.toString(), 'just pushed');
  });

  it('refuses a keepYoungerThanSeconds that is not a number instead of treating every blob as old', async () => {
    const h = await startHarness();
    const digest = await pushBlob(h, 'default/young', 'just pushed');
    const answer = await registryRequest(h, 'DELETE', `/admin/blobs/${digest}?keepYoungerThanSeconds=soon`);
    assert.equal(answer.status, 400);
    assert.equal((await registryRequest(h, 'GET', `/v2/default/young/blobs/${digest}`)).status, 200);
  });
});
