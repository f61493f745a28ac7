import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FsBlobStore } from '../../../src/blobs/fs/fs-blob-store.ts';
import { describeBlobStoreContract, sha256 } from '../../contracts/blob-store.contract.ts';
import { makeTempDir } from '../../support/temp-dir.ts';

const roots = new WeakMap<object, string>();

describeBlobStoreContract('filesystem', {
  open: async () => {
    const root = makeTempDir('ims-blobs');
    const store = await new FsBlobStore(root).init();
    roots.set(store, root);
    return store;
  },
  reopen: async (store) => new FsBlobStore(roots.get(store)!).init(),
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
});
