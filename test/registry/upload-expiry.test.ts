// Idle upload sessions end after the expiry and give their disk space back; a session that keeps
// receiving bytes stays, however long ago it started.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness } from '../support/api-harness.ts';
import { registryRequest, sha256 } from '../support/registry-client.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { FsBlobStore } from '../../src/blobs/fs/fs-blob-store.ts';
import { RepositoryLinks } from '../../src/streams/repository-links.ts';
import { expireIdleUploads } from '../../src/registry/upload-expiry.ts';
import { silentLogger } from '../../src/lib/logger.ts';

const hour = 3_600_000;
const expiry = 24 * hour;

async function registryWithIdleSweep() {
  const clock = fakeClock();
  const root = makeTempDir('ims-upload-expiry');
  const blobs = await new FsBlobStore(root, { clock }).init();
  const h = await startHarness([], { blobs });
  return {
    h,
    clock,
    sweep: () => expireIdleUploads({ blobs, links: new RepositoryLinks(h.server.store), clock, logger: silentLogger }, expiry),
    start: async (repository: string) => (await registryRequest(h, 'POST', `/v2/${repository}/blobs/uploads/`)).headers.get('location')!,
    sessionDir: (location: string) => join(root, 'uploads', location.split('/').pop()!),
  };
}

describe('upload session expiry', () => {
  it('ends a session idle past the expiry and deletes its bytes; the client then gets BLOB_UPLOAD_UNKNOWN', async () => {
    const { h, clock, sweep, start, sessionDir } = await registryWithIdleSweep();
    const location = await start('default/abandoned');
    const bytes = Buffer.alloc(64 * 1024, 7);
    assert.equal((await registryRequest(h, 'PATCH', location, { body: bytes })).status, 202);
    assert.ok(existsSync(sessionDir(location)));

    clock.advance(expiry + 1000);
    assert.deepEqual(await sweep(), { sessions: 1, bytes: bytes.length });
    assert.ok(!existsSync(sessionDir(location)), 'the bytes are gone from disk');
    for (const [method, path] of [
      ['PATCH', location],
      ['PUT', `${location}?digest=${sha256(bytes)}`],
      ['GET', location],
    ] as const) {
      const answer = await registryRequest(h, method, path, method === 'PATCH' ? { body: 'more' } : {});
      assert.equal(answer.status, 404, method);
      assert.equal(answer.json.errors[0].code, 'BLOB_UPLOAD_UNKNOWN', method);
    }
  });

  it('keeps a session that got a byte within the expiry, however long ago it started', async () => {
    const { h, clock, sweep, start, sessionDir } = await registryWithIdleSweep();
    const slow = await start('default/slow');
    const idle = await start('default/idle');
    await registryRequest(h, 'PATCH', slow, { body: 'first half, ' });
    clock.advance(23 * hour);
    await registryRequest(h, 'PATCH', slow, { body: 'second half' });
    clock.advance(23 * hour);

    assert.deepEqual(await sweep(), { sessions: 1, bytes: 0 }, 'only the session with no byte for 46 hours ends');
    assert.ok(!existsSync(sessionDir(idle)));
    const digest = sha256('first half, second half');
    assert.equal((await registryRequest(h, 'PUT', `${slow}?digest=${digest}`)).status, 201);
    assert.equal((await registryRequest(h, 'GET', `/v2/default/slow/blobs/${digest}`)).bytes.toString(), 'first half, second half');
  });
});
