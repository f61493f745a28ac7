// Upload bytes that can never become a blob give their disk space back at once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness } from '../support/api-harness.ts';
import { registryRequest, sha256 } from '../support/registry-client.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { FsBlobStore } from '../../src/blobs/fs/fs-blob-store.ts';

async function registryOnDisk() {
  const root = makeTempDir('ims-uploads');
  const h = await startHarness([], { blobs: await new FsBlobStore(root).init() });
  return { h, root, sessions: () => readdirSync(join(root, 'uploads')) };
}

describe('failed uploads', () => {
  it('deletes the bytes of a session whose final PUT names the wrong digest, and ends the session', async () => {
    const { h, root, sessions } = await registryOnDisk();
    const location = (await registryRequest(h, 'POST', '/v2/default/wrong/blobs/uploads/')).headers.get('location')!;
    const content = Buffer.alloc(256 * 1024, 3);
    assert.equal((await registryRequest(h, 'PATCH', location, { body: content })).status, 202);
    const id = location.split('/').pop()!;
    assert.ok(existsSync(join(root, 'uploads', id, 'data')));

    const answer = await registryRequest(h, 'PUT', `${location}?digest=${sha256('something else')}`);
    assert.equal(answer.status, 400);
    assert.equal(answer.json.errors[0].code, 'DIGEST_INVALID');
    assert.deepEqual(sessions(), [], 'the 256 kB are gone from disk');
    const after = await registryRequest(h, 'PATCH', location, { body: 'more' });
    assert.equal(after.status, 404);
    assert.equal(after.json.errors[0].code, 'BLOB_UPLOAD_UNKNOWN');
  });

  it('deletes the bytes of a one-request upload whose body breaks off, as when the pushing client is killed', async () => {
    const { h, sessions } = await registryOnDisk();
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new Uint8Array(128 * 1024)),
      pull: (controller) => controller.error(new Error('the client went away')),
    });
    const request = new Request(`http://127.0.0.1:8080/v2/default/killed/blobs/uploads/?digest=${sha256('the whole layer')}`, {
      method: 'POST',
      body,
      headers: { authorization: `Bearer ${h.adminToken}` },
      duplex: 'half',
    } as RequestInit);
    const answer = await h.server.handle(request, 'killed-push');
    assert.ok(answer.status >= 400);
    assert.deepEqual(sessions(), []);
  });
});
