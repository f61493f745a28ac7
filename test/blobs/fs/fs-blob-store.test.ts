import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FsBlobStore } from '../../../src/blobs/fs/fs-blob-store.ts';
import { describeBlobStoreContract, sha256 } from '../../contracts/blob-store.contract.ts';
import { makeTempDir } from '../../support/temp-dir.ts';

const roots = new WeakMap<object, string>();

describeBlobStoreContract('filesystem', {
  open: async (options) => {
    const root = makeTempDir('ims-blobs');
    const store = await new FsBlobStore(root, options).init();
    roots.set(store, root);
    return store;
  },
  reopen: async (store, options) => new FsBlobStore(roots.get(store)!, options).init(),
});

describe('FsBlobStore layout', () => {
  it('keeps blobs under blobs/<algorithm>/<2 hex>/<hex> and leaves no temp files behind', async () => {
    const root = makeTempDir('ims-blobs');
    const store = await new FsBlobStore(root).init();
    const content = Buffer.from('layout');
    const digest = sha256(content);
    await store.put(digest, content);
    const hex = digest.slice('sha256:'.length);
    assert.deepEqual(readdirSync(join(root, 'blobs', 'sha256', hex.slice(0, 2))), [hex]);
    assert.deepEqual(readdirSync(join(root, 'tmp')), []);
  });

  it('leaves no temp file behind when a put cannot be moved into place', async () => {
    const root = makeTempDir('ims-blobs');
    const store = await new FsBlobStore(root).init();
    // A file where the algorithm's directory should be: the move into place fails, as on a full disk.
    mkdirSync(join(root, 'blobs'));
    writeFileSync(join(root, 'blobs', 'sha256'), '');
    const content = Buffer.from('never published');
    await assert.rejects(store.put(sha256(content), content));
    assert.deepEqual(readdirSync(join(root, 'tmp')), []);
  });

  it('lists and removes upload sessions a crash left half made or half committed', async () => {
    const root = makeTempDir('ims-blobs');
    const store = await new FsBlobStore(root).init();
    const halfMade = await store.startUpload();
    rmSync(join(root, 'uploads', halfMade.id, 'data'));
    rmSync(join(root, 'uploads', halfMade.id, 'startedat'));
    // Committing moves the data file into place, then removes the session's directory.
    const halfCommitted = await store.startUpload();
    rmSync(join(root, 'uploads', halfCommitted.id, 'data'));
    mkdirSync(join(root, 'uploads', 'not-a-session'));

    const again = await new FsBlobStore(root).init();
    const listed: string[] = [];
    for await (const upload of again.listUploads()) listed.push(upload.id);
    assert.deepEqual(listed.sort(), [halfMade.id, halfCommitted.id].sort());
    for (const id of listed) await again.cancelUpload(id);
    assert.deepEqual(readdirSync(join(root, 'uploads')), ['not-a-session']);
  });
});
