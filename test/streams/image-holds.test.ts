// Holds keep an Image from deletion while a push or import records it; a hold left by one that
// died goes stale; and an Image that a deletion read before the hold came changes under it.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { holdImages, whyImageIsKept } from '../../src/streams/image-holds.ts';
import { MemoryResourceStore } from '../../src/store/memory/memory-resource-store.ts';
import { objectKey } from '../../src/kube/object.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { startHarness } from '../support/api-harness.ts';
import { PausingStore, writesStatusWith } from '../support/pausing-store.ts';
import { putImage, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';

const digest = `sha256:${'a'.repeat(64)}`;
const imageKey = objectKey('image.openshift.io', 'images', '', digest);

describe('image holds', () => {
  it('keep an Image until released, and name no reason once released', async () => {
    const deps = { store: new MemoryResourceStore(), clock: fakeClock() };
    const hold = await holdImages(deps, [digest]);
    assert.match((await whyImageIsKept(deps, digest)) ?? '', /a push or import is recording it right now/);
    await hold.release();
    await hold.release();
    assert.equal(await whyImageIsKept(deps, digest), undefined);
  });

  it('stop keeping an Image ten minutes after a push that died left its hold', async () => {
    const deps = { store: new MemoryResourceStore(), clock: fakeClock() };
    await holdImages(deps, [digest]);
    deps.clock.advance(9 * 60_000);
    assert.notEqual(await whyImageIsKept(deps, digest), undefined);
    deps.clock.advance(60_000);
    assert.equal(await whyImageIsKept(deps, digest), undefined);
  });

  it("move an existing Image's resourceVersion, so that a deletion that read it earlier fails, and report which exist", async () => {
    const deps = { store: new MemoryResourceStore(), clock: fakeClock() };
    const read = await deps.store.create(imageKey, { metadata: { name: digest } });
    const hold = await holdImages(deps, [digest, `sha256:${'b'.repeat(64)}`]);
    assert.deepEqual([...hold.present], [digest]);
    await assert.rejects(deps.store.delete(imageKey, read.resourceVersion), { kind: 'Conflict' });
    assert.deepEqual((await deps.store.get(imageKey)).value, read.value, 'the content stays as it was');
  });

  it('name the stream and tag whose history has the Image, and the manifest list that lists it', async () => {
    const deps = { store: new MemoryResourceStore(), clock: fakeClock() };
    await deps.store.create(objectKey('image.openshift.io', 'imagestreams', 'shop', 'cart'), {
      metadata: { namespace: 'shop', name: 'cart' },
      status: {
        tags: [
          { tag: 'old', items: [] },
          { tag: 'prod', items: [{ image: `sha256:${'c'.repeat(64)}` }, { image: digest }] },
        ],
      },
    });
    assert.match(
      (await whyImageIsKept(deps, digest)) ?? '',
      /image stream shop\/cart has it in the history of tag prod; remove the tag \(ims tag -d shop\/cart:prod\)/,
    );
    const child = `sha256:${'d'.repeat(64)}`;
    await deps.store.create(objectKey('image.openshift.io', 'images', '', `sha256:${'e'.repeat(64)}`), {
      metadata: { name: `sha256:${'e'.repeat(64)}` },
      dockerImageManifests: [{ digest: child }],
    });
    assert.match((await whyImageIsKept(deps, child)) ?? '', new RegExp(`the manifest list sha256:${'e'.repeat(64)} references it`));
  });
});

describe('an import racing a prune', () => {
  let upstream: FakeUpstream | undefined;
  after(async () => {
    await upstream?.stop();
  });

  it('keeps the imported Image the prune tries to delete before the stream names it', async () => {
    upstream = await startFakeUpstream();
    const imported = putImage(upstream, 'org/app', '1.0', 'imported');
    const store = new PausingStore();
    const h = await startHarness([], { store });
    const streams = '/apis/image.openshift.io/v1/namespaces/default/imagestreams';
    assert.equal((await h.request('POST', streams, { body: { metadata: { name: 'imported' } } })).status, 201);
    let deletion: number | undefined;
    store.beforeUpdate = (key, value) => {
      if (!writesStatusWith(key, value, 'imported', imported)) return undefined;
      store.beforeUpdate = undefined;
      // The Image is stored; the stream is about to name it.
      return h.request('DELETE', `/apis/image.openshift.io/v1/images/${imported}`).then((answer) => void (deletion = answer.status));
    };
    const answer = await h.request('POST', '/apis/image.openshift.io/v1/namespaces/default/imagestreamimports', {
      body: {
        metadata: { name: 'imported' },
        spec: {
          import: true,
          images: [{ from: { kind: 'DockerImage', name: `${upstream.host}/org/app:1.0` }, to: { name: 'v1' }, importPolicy: { insecure: true } }],
        },
      },
    });
    assert.equal(answer.status, 201, answer.text);
    assert.equal(deletion, 409);
    assert.equal((await h.request('GET', `/apis/image.openshift.io/v1/images/${imported}`)).status, 200);
    assert.equal((await h.request('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreamtags/imported:v1')).json.image.metadata.name, imported);
    await h.server.close();
  });
});
