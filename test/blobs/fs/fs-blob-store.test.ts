import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
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

  it('lists and removes upload sessions a crash left half made or half removed', async () => {
    const root = makeTempDir('ims-blobs');
    const store = await new FsBlobStore(root).init();
    // A crash between making the data file and recording the session leaves the data alone.
    const halfMade = await store.startUpload();
    await store.appendUpload(halfMade.id, 0, Buffer.from('orphaned bytes'));
    rmSync(join(root, 'uploads', halfMade.id, 'session'));
    // Committing moves the data file into place, then removes the session: a crash between leaves the record.
    const halfRemoved = await store.startUpload();
    rmSync(join(root, 'uploads', halfRemoved.id, 'data'));
    mkdirSync(join(root, 'uploads', 'not-a-session'));
    writeFileSync(join(root, 'uploads', 'not-a-session', 'data'), 'x');

    const again = await new FsBlobStore(root).init();
    const listed: { id: string; size: number }[] = [];
    for await (const upload of again.listUploads()) listed.push({ id: upload.id, size: upload.size });
    assert.deepEqual(
      listed.sort((a, b) => a.id.localeCompare(b.id)),
      [
        { id: halfMade.id, size: 'orphaned bytes'.length },
        { id: halfRemoved.id, size: 0 },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    for (const { id } of listed) await again.cancelUpload(id);
    assert.deepEqual(readdirSync(join(root, 'uploads')), ['not-a-session']);
  });

  it('drops the bytes of an append that failed, so the session resumes where it was acknowledged', async () => {
    const root = makeTempDir('ims-blobs');
    const store = await new FsBlobStore(root).init();
    const upload = await store.startUpload();
    await store.appendUpload(upload.id, 0, Buffer.from('kept, '));
    async function* failing() {
      yield Buffer.from('lost bytes');
      throw new Error('the client went away');
    }
    await assert.rejects(store.appendUpload(upload.id, 6, Readable.from(failing())), /went away/);
    assert.equal((await store.uploadStatus(upload.id)).size, 6);
    await store.appendUpload(upload.id, 6, Buffer.from('and more'));
    const content = Buffer.from('kept, and more');
    await store.commitUpload(upload.id, sha256(content));
    assert.equal(readFileSync(join(root, 'blobs', 'sha256', sha256(content).slice(7, 9), sha256(content).slice(7)), 'utf8'), 'kept, and more');
  });
});
