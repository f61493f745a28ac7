// A project admin trying to reach another project's images through the API: mappings, status
// writes, planted Images and hostile upstreams. Every path must leave the victim's bytes and
// metadata unreadable from the attacker's repository.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/api-harness.ts';
import { pushImage, registryRequest, sha256 } from '../support/registry-client.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';

const image = '/apis/image.openshift.io/v1';
const dockerManifest = 'application/vnd.docker.distribution.manifest.v2+json';

describe('tenant isolation of image content', () => {
  let h: Harness;
  let mallory: string;
  let victim: Awaited<ReturnType<typeof pushImage>>;
  let upstream: FakeUpstream;

  before(async () => {
    h = await startHarness();
    const alice = await h.userToken('alice');
    mallory = await h.userToken('mallory');
    await h.request('POST', '/apis/project.openshift.io/v1/projectrequests', { token: alice, body: { metadata: { name: 'victim' } } });
    await h.request('POST', '/apis/project.openshift.io/v1/projectrequests', { token: mallory, body: { metadata: { name: 'mallory' } } });
    victim = await pushImage(h, 'victim/secret', 'v1', 'private', alice);
    assert.equal(victim.answer.status, 201);
    assert.equal(
      (await h.request('POST', `${image}/namespaces/mallory/imagestreams`, { token: mallory, body: { metadata: { name: 'loot' }, spec: {} } })).status,
      201,
    );
    upstream = await startFakeUpstream();
  });
  after(() => upstream.stop());

  const assertNothingServed = async () => {
    for (const path of [
      `/v2/mallory/loot/manifests/${victim.digest}`,
      `/v2/mallory/loot/blobs/${victim.layerDigest}`,
      `/v2/mallory/loot/blobs/${victim.configDigest}`,
    ]) {
      assert.equal((await registryRequest(h, 'GET', path, { token: mallory })).status, 404, path);
    }
  };

  it("refuses a mapping that names another project's manifest", async () => {
    const mapped = await h.request('POST', `${image}/namespaces/mallory/imagestreammappings`, {
      token: mallory,
      body: {
        metadata: { name: 'loot' },
        image: { metadata: { name: victim.digest }, dockerImageReference: `127.0.0.1:8080/victim/secret@${victim.digest}` },
        tag: 'stolen',
      },
    });
    assert.equal(mapped.status, 422, mapped.text);
    assert.match(mapped.json.message, /does not hold this image/);
    assert.equal((await h.request('GET', `${image}/namespaces/mallory/imagestreamtags/loot:stolen`, { token: mallory })).status, 404);
    await assertNothingServed();
  });

  it('refuses a mapping of a made-up Image and creates no Image', async () => {
    const planted = `sha256:${'ab'.repeat(32)}`;
    const mapped = await h.request('POST', `${image}/namespaces/mallory/imagestreammappings`, {
      token: mallory,
      body: {
        metadata: { name: 'loot' },
        image: {
          metadata: { name: planted },
          dockerImageReference: 'evil.example/x@' + planted,
          dockerImageLayers: [{ name: victim.layerDigest, size: 13 }],
          dockerImageMetadata: { Id: victim.configDigest },
        },
        tag: 'planted',
      },
    });
    assert.equal(mapped.status, 422, mapped.text);
    assert.equal((await h.request('GET', `${image}/images/${planted}`)).status, 404);
    assert.equal((await registryRequest(h, 'GET', `/v2/mallory/loot/blobs/${victim.layerDigest}`, { token: mallory })).status, 404);
  });

  it('tags by mapping only what the repository holds, with the Image the server derived', async () => {
    const own = await pushImage(h, 'mallory/loot', 'pushed', 'mine', mallory);
    const mapped = await h.request('POST', `${image}/namespaces/mallory/imagestreammappings`, {
      token: mallory,
      body: {
        metadata: { name: 'loot' },
        image: {
          metadata: { name: own.digest },
          dockerImageReference: 'evil.example/redirect@' + own.digest,
          dockerImageMetadata: { Config: { Env: ['PLANTED=1'] } },
        },
        tag: 'mapped',
      },
    });
    assert.equal(mapped.status, 201, mapped.text);
    const tag = (await h.request('GET', `${image}/namespaces/mallory/imagestreamtags/loot:mapped`, { token: mallory })).json;
    assert.equal(tag.image.dockerImageReference, `127.0.0.1:8080/mallory/loot@${own.digest}`);
    assert.deepEqual(tag.image.dockerImageMetadata.Config.Env, ['LABEL=mine']);
  });

  it('gives users no status writes, and lets nobody add tag history through the API', async () => {
    const stream = (await h.request('GET', `${image}/namespaces/mallory/imagestreams/loot`, { token: mallory })).json;
    const forged = {
      ...stream,
      status: {
        ...stream.status,
        tags: [
          ...(stream.status.tags ?? []),
          {
            tag: 'forged',
            items: [
              { created: '2024-01-01T00:00:00Z', dockerImageReference: `127.0.0.1:8080/victim/secret@${victim.digest}`, image: victim.digest, generation: 1 },
            ],
          },
        ],
      },
    };
    const asOwner = await h.request('PUT', `${image}/namespaces/mallory/imagestreams/loot/status`, { token: mallory, body: forged });
    assert.equal(asOwner.status, 403, asOwner.text);
    const asAdmin = await h.request('PUT', `${image}/namespaces/mallory/imagestreams/loot/status`, { body: forged });
    assert.equal(asAdmin.status, 422, asAdmin.text);
    assert.match(asAdmin.json.message, /only remove/);
    const patched = await h.request('PATCH', `${image}/namespaces/mallory/imagestreams/loot/status`, {
      body: {
        status: { tags: [{ tag: 'pushed', items: [{ created: '2024-01-01T00:00:00Z', dockerImageReference: 'x', image: victim.digest, generation: 1 }] }] },
      },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(patched.status, 422, patched.text);
    await assertNothingServed();
    // Removing history, as a prune does, still works.
    const pruned = { ...stream, status: { ...stream.status, tags: (stream.status.tags ?? []).filter((t: { tag: string }) => t.tag !== 'mapped') } };
    assert.equal((await h.request('PUT', `${image}/namespaces/mallory/imagestreams/loot/status`, { body: pruned })).status, 200);
  });

  it('serves Images read-only: no create, no change to their content', async () => {
    const created = await h.request('POST', `${image}/images`, {
      body: { metadata: { name: `sha256:${'cd'.repeat(32)}` }, dockerImageReference: 'evil.example/x' },
    });
    assert.equal(created.status, 405, created.text);
    const current = (await h.request('GET', `${image}/images/${victim.digest}`)).json;
    const altered = await h.request('PUT', `${image}/images/${victim.digest}`, {
      body: { ...current, dockerImageReference: 'evil.example/redirect@' + victim.digest, dockerImageLayers: [] },
    });
    assert.equal(altered.status, 422, altered.text);
    assert.match(altered.json.message, /immutable/);
    const labelled = await h.request('PUT', `${image}/images/${victim.digest}`, {
      body: { ...current, metadata: { ...current.metadata, labels: { scanned: 'yes' } } },
    });
    assert.equal(labelled.status, 200, labelled.text);
    const after = (await h.request('GET', `${image}/images/${victim.digest}`)).json;
    assert.equal(after.dockerImageReference, current.dockerImageReference);
    assert.deepEqual(after.dockerImageLayers, current.dockerImageLayers);
  });

  it("does not serve another project's layers listed by a manifest from a hostile upstream", async () => {
    // The upstream holds a manifest naming the victim's layer and config, but not their bytes.
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: dockerManifest,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: upstream.putBlob('{"architecture":"amd64","os":"linux"}'), size: 37 },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: victim.layerDigest, size: 13 }],
    });
    upstream.putManifest('evil/app', 'v1', manifest, dockerManifest);
    const imported = await h.request('POST', `${image}/namespaces/mallory/imagestreamimports`, {
      token: mallory,
      body: {
        metadata: { name: 'loot' },
        spec: {
          import: true,
          images: [{ from: { kind: 'DockerImage', name: `${upstream.host}/evil/app:v1` }, to: { name: 'hostile' }, importPolicy: { insecure: true } }],
        },
      },
    });
    assert.equal(imported.status, 201, imported.text);
    assert.equal(imported.json.status.images[0].status.status, 'Success', imported.text);
    assert.equal((await registryRequest(h, 'GET', `/v2/mallory/loot/blobs/${victim.layerDigest}`, { token: mallory })).status, 404);
  });

  it("does not hand over another project's Image metadata for a digest an upstream names", async () => {
    // A manifest list whose child is the victim's manifest digest, which the upstream does not hold.
    const list = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      manifests: [{ mediaType: dockerManifest, digest: victim.digest, size: victim.manifest.length, platform: { architecture: 'amd64', os: 'linux' } }],
    });
    upstream.putManifest('evil/list', 'v1', list, 'application/vnd.docker.distribution.manifest.list.v2+json');
    for (const importMode of ['Legacy', 'PreserveOriginal']) {
      const imported = await h.request('POST', `${image}/namespaces/mallory/imagestreamimports`, {
        token: mallory,
        body: {
          metadata: { name: 'loot' },
          spec: {
            import: true,
            images: [
              {
                from: { kind: 'DockerImage', name: `${upstream.host}/evil/list:v1` },
                to: { name: `child-${importMode}` },
                importPolicy: { insecure: true, importMode },
              },
            ],
          },
        },
      });
      assert.equal(imported.status, 201, imported.text);
      assert.equal(imported.json.status.images[0].status.status, 'Failure', `${importMode}: ${imported.text}`);
      assert.doesNotMatch(imported.text, /LABEL=private/);
    }
    assert.equal((await h.request('GET', `${image}/namespaces/mallory/imagestreamimages/loot@${victim.digest}`, { token: mallory })).status, 404);
    await assertNothingServed();
  });

  it('still lets a stream copy a tag from a stream the caller may read, bytes included', async () => {
    const own = await pushImage(h, 'mallory/origin', 'v1', 'shared', mallory);
    const tagged = await h.request('POST', `${image}/namespaces/mallory/imagestreamtags`, {
      token: mallory,
      body: { metadata: { name: 'loot:copied' }, tag: { from: { kind: 'ImageStreamTag', name: 'origin:v1' } } },
    });
    assert.equal(tagged.status, 201, tagged.text);
    assert.equal((await registryRequest(h, 'GET', '/v2/mallory/loot/manifests/copied', { token: mallory })).status, 200);
    assert.equal((await registryRequest(h, 'GET', `/v2/mallory/loot/blobs/${own.layerDigest}`, { token: mallory })).bytes.toString(), 'layer-shared');
    // From the victim's project, without pull rights there: refused, nothing copied.
    const stolen = await h.request('POST', `${image}/namespaces/mallory/imagestreamtags`, {
      token: mallory,
      body: { metadata: { name: 'loot:from-victim' }, tag: { from: { kind: 'ImageStreamTag', namespace: 'victim', name: 'secret:v1' } } },
    });
    assert.equal(stolen.status, 403, stolen.text);
    await assertNothingServed();
    assert.equal(sha256(victim.manifest), victim.digest);
  });
});
