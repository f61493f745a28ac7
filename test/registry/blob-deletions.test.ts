// Pruning a blob while a push starts using it again: whichever comes second sees the other, so no
// Image is ever left pointing at content that was deleted.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/api-harness.ts';
import { pushBlob, registryRequest, sha256 } from '../support/registry-client.ts';
import { MemoryBlobStore } from '../../src/blobs/memory/memory-blob-store.ts';

const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {} }));
const layer = Buffer.from('a layer both images share');

function manifestFor(configDigest: string, layerDigest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length }],
    }),
  );
}

const putManifest = (h: Harness, repository: string, reference: string, manifest: Buffer) =>
  registryRequest(h, 'PUT', `/v2/${repository}/manifests/${reference}`, {
    body: manifest,
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
  });

describe('pruning a blob while a push uses it', () => {
  it('fails the push, leaving no Image and no tag, when the prune runs between its checks and its Image', async () => {
    let h: Harness | undefined;
    let pruneDuring: string | undefined;
    let pruneAnswer: number | undefined;
    // The prune runs exactly when the push stores its manifest: after the push found every blob.
    class PruneWhilePushing extends MemoryBlobStore {
      override async put(digest: string, content: Uint8Array) {
        const info = await super.put(digest, content);
        if (digest === pruneDuring) pruneAnswer = (await registryRequest(h!, 'DELETE', `/admin/blobs/${sha256(layer)}?keepYoungerThanSeconds=0`)).status;
        return info;
      }
    }
    h = await startHarness([], { blobs: new PruneWhilePushing() });
    const configDigest = await pushBlob(h, 'default/race', config);
    const layerDigest = await pushBlob(h, 'default/race', layer);
    const manifest = manifestFor(configDigest, layerDigest);
    pruneDuring = sha256(manifest);

    const push = await putManifest(h, 'default/race', 'v1', manifest);
    assert.equal(pruneAnswer, 202, 'the prune deleted the layer');
    assert.equal(push.status, 400);
    assert.equal(push.json.errors[0].code, 'MANIFEST_BLOB_UNKNOWN');
    assert.match(push.json.errors[0].message, /was pruned while this manifest was pushed/);
    assert.equal((await h.request('GET', `/apis/image.openshift.io/v1/images/${sha256(manifest)}`)).status, 404);
    assert.equal((await h.request('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreamtags/race:v1')).status, 404);

    // The client pushes the blob again, and then the manifest goes through.
    pruneDuring = undefined;
    await pushBlob(h, 'default/race', layer);
    assert.equal((await putManifest(h, 'default/race', 'v1', manifest)).status, 201);
    const pulled = await registryRequest(h, 'GET', `/v2/default/race/blobs/${layerDigest}`);
    assert.ok(pulled.bytes.equals(layer));
  });

  it('refuses to delete a blob once a pushed Image uses it', async () => {
    const h = await startHarness();
    const configDigest = await pushBlob(h, 'default/kept', config);
    const layerDigest = await pushBlob(h, 'default/kept', layer);
    assert.equal((await putManifest(h, 'default/kept', 'v1', manifestFor(configDigest, layerDigest))).status, 201);
    const prune = await registryRequest(h, 'DELETE', `/admin/blobs/${layerDigest}?keepYoungerThanSeconds=0`);
    assert.equal(prune.status, 409);
    assert.equal(prune.json.errors[0].code, 'DENIED');
    assert.match(prune.json.errors[0].message, /still used by image/);
    assert.ok((await registryRequest(h, 'GET', `/v2/default/kept/blobs/${layerDigest}`)).bytes.equals(layer));
  });

  it('does not let an announcement left by a prune that died block pushes for good', async () => {
    const h = await startHarness();
    const configDigest = await pushBlob(h, 'default/stale', config);
    const layerDigest = await pushBlob(h, 'default/stale', layer);
    const longAgo = new Date(Date.now() - 60 * 60 * 1000).toISOString();
    await h.server.store.create(`registry.imagestream.io/blobdeletions//${layerDigest}`, { digest: layerDigest, startedAt: longAgo });
    assert.equal((await putManifest(h, 'default/stale', 'v1', manifestFor(configDigest, layerDigest))).status, 201);
    // A fresh announcement does block, and a second prune of the same blob waits its turn.
    const other = Buffer.from('another layer');
    const otherDigest = await pushBlob(h, 'default/stale', other);
    await h.server.store.create(`registry.imagestream.io/blobdeletions//${otherDigest}`, { digest: otherDigest, startedAt: new Date().toISOString() });
    const blocked = await putManifest(
      h,
      'default/stale',
      'v2',
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: otherDigest, size: other.length }],
        }),
      ),
    );
    assert.equal(blocked.json.errors[0].code, 'MANIFEST_BLOB_UNKNOWN');
    const second = await registryRequest(h, 'DELETE', `/admin/blobs/${otherDigest}?keepYoungerThanSeconds=0`);
    assert.equal(second.status, 409);
    assert.match(second.json.errors[0].message, /being deleted by another prune/);
  });
});
