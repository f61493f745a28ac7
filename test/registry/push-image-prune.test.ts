// A prune working from lists it read a moment earlier meets a push of the same image halfway. Each
// test stops the push (or the prune) at the worst moment through the store, and sends there, by
// hand, what `ims adm prune images --keep-younger-than=0 --confirm` sends for an Image it believes
// unreferenced: DELETE the Image, then DELETE each of its blobs. The prune goes to a second replica
// of the same store and blobs. Whatever the order, a push answered 201 stays pullable.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/api-harness.ts';
import { pushBlob, registryRequest, sha256 } from '../support/registry-client.ts';
import { randomUUID } from 'node:crypto';
import { PausingStore, writesStatusWith } from '../support/pausing-store.ts';
import { startEtcd, etcdBinary, type EtcdCluster } from '../support/etcd.ts';
import { missingPeer } from '../support/peers.ts';
import { MemoryResourceStore } from '../../src/store/memory/memory-resource-store.ts';
import { EtcdResourceStore } from '../../src/store/etcd/etcd-resource-store.ts';
import { MemoryBlobStore } from '../../src/blobs/memory/memory-blob-store.ts';
import { systemClock } from '../../src/lib/clock.ts';

interface Replicas {
  readonly pusher: Harness;
  readonly pruner: Harness;
  /** Each replica's own store (connection), over the same data. */
  readonly pusherStore: PausingStore;
  readonly prunerStore: PausingStore;
  close(): Promise<void>;
}

/** Two replicas sharing their data and blobs: on one memory store, or each with its own etcd connection. */
async function twoReplicas(etcd: EtcdCluster | undefined): Promise<Replicas> {
  const blobs = new MemoryBlobStore({ clock: systemClock });
  const shared = new MemoryResourceStore();
  const keyPrefix = `/push-prune-${randomUUID()}/`;
  const open = () => new PausingStore(etcd ? new EtcdResourceStore({ endpoints: etcd.endpoints, keyPrefix }) : shared);
  const pusherStore = open();
  const prunerStore = open();
  const pusher = await startHarness([], { store: pusherStore, blobs });
  const pruner = await startHarness([], { store: prunerStore, blobs });
  return {
    pusher,
    pruner,
    pusherStore,
    prunerStore,
    close: async () => {
      if (!etcd) return;
      await pusher.server.close();
      await pruner.server.close();
    },
  };
}

interface Prepared {
  readonly manifest: Buffer;
  readonly digest: string;
  readonly blobs: string[];
}

/** Uploads the blobs of a one-layer image labelled `label`; the manifest is left to the test. */
async function prepareImage(h: Harness, repository: string, label: string): Promise<Prepared> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { label } } }));
  const layer = Buffer.from(`the layer of ${label}`);
  const configDigest = await pushBlob(h, repository, config);
  const layerDigest = await pushBlob(h, repository, layer);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length }],
    }),
  );
  return { manifest, digest: sha256(manifest), blobs: [configDigest, layerDigest] };
}

const putManifest = (h: Harness, repository: string, reference: string, manifest: Buffer, mediaType = 'application/vnd.oci.image.manifest.v1+json') =>
  registryRequest(h, 'PUT', `/v2/${repository}/manifests/${reference}`, { body: manifest, headers: { 'content-type': mediaType } });

/** What the prune sends for an Image it takes for unreferenced: the Image's answer, then each blob's. */
async function pruneByHand(h: Harness, digest: string, blobs: readonly string[]): Promise<number[]> {
  const answers = [(await h.request('DELETE', `/apis/image.openshift.io/v1/images/${digest}`)).status];
  for (const blob of [...blobs, digest]) answers.push((await registryRequest(h, 'DELETE', `/admin/blobs/${blob}?keepYoungerThanSeconds=0`)).status);
  return answers;
}

/** Pulls `repository:tag` and every blob of it, as a client would. */
async function assertPullable(h: Harness, repository: string, tag: string, image: Prepared): Promise<void> {
  const manifest = await registryRequest(h, 'GET', `/v2/${repository}/manifests/${tag}`);
  assert.equal(manifest.status, 200, `${repository}:${tag} is pullable`);
  assert.ok(manifest.bytes.equals(image.manifest));
  for (const blob of image.blobs) assert.equal((await registryRequest(h, 'GET', `/v2/${repository}/blobs/${blob}`)).status, 200, blob);
  assert.equal((await h.request('GET', `/apis/image.openshift.io/v1/images/${image.digest}`)).status, 200, 'the Image stays');
}

function describeRaces(storeName: string, etcd: () => EtcdCluster | undefined, skip?: string): void {
  describe(`a prune that listed Images and streams while a push was between its Image and its tag (${storeName})`, { skip }, () => {
    let replicas: Replicas[] = [];
    const start = async () => {
      const started = await twoReplicas(etcd());
      replicas.push(started);
      return started;
    };
    after(async () => {
      for (const r of replicas) await r.close();
      replicas = [];
    });

    it('can delete neither the pushed Image nor its blobs, and the push is pullable everywhere', async () => {
      const { pusher, pruner, pusherStore } = await start();
      const image = await prepareImage(pusher, 'default/race', 'race');
      let answers: number[] | undefined;
      pusherStore.beforeUpdate = (key, value) => {
        if (!writesStatusWith(key, value, 'race', image.digest)) return undefined;
        pusherStore.beforeUpdate = undefined;
        // The Image is stored and its blobs were checked; the tag is about to be written.
        return pruneByHand(pruner, image.digest, image.blobs).then((statuses) => void (answers = statuses));
      };
      const push = await putManifest(pusher, 'default/race', 'v1', image.manifest);
      assert.equal(push.status, 201);
      assert.deepEqual(answers, [409, 409, 409, 409], 'the Image and its blobs are kept');
      await assertPullable(pruner, 'default/race', 'v1', image);
      await assertPullable(pusher, 'default/race', 'v1', image);
    });

    it('can delete neither once the tag is written, and says which stream keeps the Image', async () => {
      const { pusher, pruner } = await start();
      const image = await prepareImage(pusher, 'default/late', 'late');
      assert.equal((await putManifest(pusher, 'default/late', 'v1', image.manifest)).status, 201);
      const refused = await pruner.request('DELETE', `/apis/image.openshift.io/v1/images/${image.digest}`);
      assert.equal(refused.status, 409);
      assert.equal(refused.json.reason, 'Conflict');
      assert.match(refused.json.message, /image stream default\/late has it in the history of tag v1; remove the tag \(ims tag -d default\/late:v1\)/);
      assert.deepEqual(await pruneByHand(pruner, image.digest, image.blobs), [409, 409, 409, 409]);
      await assertPullable(pruner, 'default/late', 'v1', image);
      // Untagged as the message says, it may go.
      assert.equal((await pruner.request('DELETE', '/apis/image.openshift.io/v1/namespaces/default/imagestreamtags/late:v1')).status, 200);
      assert.equal((await pruner.request('DELETE', `/apis/image.openshift.io/v1/images/${image.digest}`)).status, 200);
    });

    it('keeps an Image pushed earlier by digest when the push tags it while the prune is deleting it', async () => {
      const { pusher, pruner, prunerStore } = await start();
      const image = await prepareImage(pusher, 'default/again', 'again');
      assert.equal((await putManifest(pusher, 'default/again', image.digest, image.manifest)).status, 201, 'untagged: the prune may take it');
      let push: Awaited<ReturnType<typeof putManifest>> | undefined;
      prunerStore.beforeDelete = (key) => {
        if (!key.endsWith(`/images//${image.digest}`)) return undefined;
        prunerStore.beforeDelete = undefined;
        // The prune read the Image and found no stream naming it; now the same image is pushed by tag.
        return putManifest(pusher, 'default/again', 'v1', image.manifest).then((answer) => void (push = answer));
      };
      const deleted = await pruner.request('DELETE', `/apis/image.openshift.io/v1/images/${image.digest}`);
      assert.equal(push?.status, 201);
      assert.equal(deleted.status, 409, 'the Image changed under the deletion, which is refused');
      assert.deepEqual(await pruneByHand(pruner, image.digest, image.blobs), [409, 409, 409, 409]);
      await assertPullable(pruner, 'default/again', 'v1', image);
    });

    it('keeps the children of a manifest list while the list is pushed, and after while the list is tagged', async () => {
      const { pusher, pruner, pusherStore } = await start();
      const child = await prepareImage(pusher, 'default/multi', 'amd64');
      assert.equal((await putManifest(pusher, 'default/multi', child.digest, child.manifest)).status, 201);
      const index = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [
            {
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              digest: child.digest,
              size: child.manifest.length,
              platform: { architecture: 'amd64', os: 'linux' },
            },
          ],
        }),
      );
      let during: number[] | undefined;
      pusherStore.beforeUpdate = (key, value) => {
        if (!writesStatusWith(key, value, 'multi', sha256(index))) return undefined;
        pusherStore.beforeUpdate = undefined;
        return pruneByHand(pruner, child.digest, child.blobs).then((statuses) => void (during = statuses));
      };
      assert.equal((await putManifest(pusher, 'default/multi', 'v1', index, 'application/vnd.oci.image.index.v1+json')).status, 201);
      assert.deepEqual(during, [409, 409, 409, 409], 'a child being pushed with its list stays');
      const after = await pruner.request('DELETE', `/apis/image.openshift.io/v1/images/${child.digest}`);
      assert.equal(after.status, 409);
      assert.match(after.json.message, new RegExp(`the manifest list ${sha256(index)} references it`));
      assert.equal((await pruner.request('DELETE', `/apis/image.openshift.io/v1/images/${sha256(index)}`)).status, 409, 'the list is tagged');
      await assertPullable(pruner, 'default/multi', child.digest, child);
    });

    it('fails the push of a list cleanly when a child Image was pruned before the list came', async () => {
      const { pusher, pruner } = await start();
      const child = await prepareImage(pusher, 'default/orphan', 'orphan');
      assert.equal((await putManifest(pusher, 'default/orphan', child.digest, child.manifest)).status, 201);
      assert.equal((await pruner.request('DELETE', `/apis/image.openshift.io/v1/images/${child.digest}`)).status, 200, 'untagged: the prune may take it');
      const index = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: child.digest, size: child.manifest.length }],
        }),
      );
      const push = await putManifest(pusher, 'default/orphan', 'v1', index, 'application/vnd.oci.image.index.v1+json');
      assert.equal(push.status, 400);
      assert.equal(push.json.errors[0].code, 'MANIFEST_BLOB_UNKNOWN');
      assert.match(push.json.errors[0].message, new RegExp(`${child.digest} was pruned while this manifest was pushed; push the manifest again`));
      assert.equal(
        (await pusher.request('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreamtags/orphan:v1')).status,
        404,
        'no tag points at it',
      );
      // Pushing the child again brings its Image back, and then the list goes through.
      assert.equal((await putManifest(pusher, 'default/orphan', child.digest, child.manifest)).status, 201);
      assert.equal((await putManifest(pusher, 'default/orphan', 'v1', index, 'application/vnd.oci.image.index.v1+json')).status, 201);
    });
  });
}

describeRaces('one memory store', () => undefined);

const etcdSkip = missingPeer('etcd', etcdBinary, 'apt-get install etcd-server etcd-client');
let etcdCluster: EtcdCluster | undefined;
describe('on etcd', { skip: etcdSkip }, () => {
  before(async () => {
    etcdCluster = await startEtcd();
  });
  after(async () => {
    await etcdCluster?.stop();
  });
  describeRaces('etcd, one connection per replica', () => etcdCluster);
});
