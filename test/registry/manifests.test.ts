import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/api-harness.ts';
import { pushBlob, pushImage, registryRequest, sha256 } from '../support/registry-client.ts';

const ociManifest = (config: string, configSize: number, layers: { digest: string; size: number }[], extra: Record<string, unknown> = {}) =>
  Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: configSize },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l })),
      ...extra,
    }),
  );
const ociType = { 'content-type': 'application/vnd.oci.image.manifest.v1+json' };

describe('manifests and image streams', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  it('keeps the exact bytes and serves them by tag and by digest with the right headers', async () => {
    const pushed = await pushImage(h, 'default/exact', 'v1', 'exact');
    assert.equal(pushed.answer.status, 201);
    assert.equal(pushed.answer.headers.get('docker-content-digest'), pushed.digest);
    assert.equal(pushed.answer.headers.get('location'), `/v2/default/exact/manifests/${pushed.digest}`);
    for (const reference of ['v1', pushed.digest]) {
      const got = await registryRequest(h, 'GET', `/v2/default/exact/manifests/${reference}`);
      assert.ok(got.bytes.equals(pushed.manifest), reference);
      assert.equal(got.headers.get('content-type'), 'application/vnd.docker.distribution.manifest.v2+json');
      assert.equal(got.headers.get('docker-content-digest'), pushed.digest);
      assert.equal(got.headers.get('content-length'), String(pushed.manifest.length));
      const head = await registryRequest(h, 'HEAD', `/v2/default/exact/manifests/${reference}`);
      assert.equal(head.headers.get('content-length'), String(pushed.manifest.length));
    }
  });

  it('preserves unknown fields and whitespace in a manifest', async () => {
    const config = Buffer.from('{"architecture":"arm64","os":"linux"}');
    const configDigest = await pushBlob(h, 'default/odd', config);
    const manifest = Buffer.from(
      `{\n  "schemaVersion": 2,\n  "mediaType": "application/vnd.oci.image.manifest.v1+json",\n  "x-vendor": {"keep": true},\n  "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "${configDigest}", "size": ${config.length}},\n  "layers": []\n}\n`,
    );
    assert.equal((await registryRequest(h, 'PUT', '/v2/default/odd/manifests/t', { body: manifest, headers: ociType })).status, 201);
    assert.ok((await registryRequest(h, 'GET', '/v2/default/odd/manifests/t')).bytes.equals(manifest));
  });

  it('refuses a manifest whose mediaType or artifactType is not a string with 400 MANIFEST_INVALID', async () => {
    const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
    const configDigest = await pushBlob(h, 'default/typed', config);
    for (const [extra, message] of [
      [{ mediaType: 5 }, 'manifest mediaType must be a string, not a number'],
      [{ mediaType: ['x'] }, 'manifest mediaType must be a string, not a list'],
      [{ artifactType: {} }, 'manifest artifactType must be a string, not an object'],
    ] as const) {
      const answer = await registryRequest(h, 'PUT', '/v2/default/typed/manifests/t', {
        body: ociManifest(configDigest, config.length, [], extra),
        headers: ociType,
      });
      assert.equal(answer.status, 400, message);
      assert.deepEqual(answer.json.errors[0], { code: 'MANIFEST_INVALID', message });
    }
    assert.equal((await registryRequest(h, 'GET', '/v2/default/typed/manifests/t')).status, 404);
  });

  it('keeps only string labels and the names of ports and volumes from a pushed image config', async () => {
    const nested = '['.repeat(100_000) + ']'.repeat(100_000);
    const config = Buffer.from(
      `{"architecture":"amd64","os":"linux","config":{"Labels":{"kept":"yes","dropped":${nested}},"ExposedPorts":{"80/tcp":${nested}},"Volumes":{"/data":{"deep":${nested}}}}}`,
    );
    const configDigest = await pushBlob(h, 'default/labels', config);
    const manifest = ociManifest(configDigest, config.length, []);
    assert.equal((await registryRequest(h, 'PUT', '/v2/default/labels/manifests/v1', { body: manifest, headers: ociType })).status, 201);
    const image = await h.request('GET', `/apis/image.openshift.io/v1/images/${sha256(manifest)}`);
    assert.equal(image.status, 200);
    assert.deepEqual(image.json.dockerImageMetadata.Config.Labels, { kept: 'yes' });
    assert.deepEqual(image.json.dockerImageMetadata.Config.ExposedPorts, { '80/tcp': {} });
    assert.deepEqual(image.json.dockerImageMetadata.Config.Volumes, { '/data': {} });
  });

  it('records a push by tag as an Image and a stream tag', async () => {
    const pushed = await pushImage(h, 'default/recorded', 'latest', 'rec');
    const stream = await h.request('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreams/recorded');
    assert.equal(stream.status, 200);
    assert.equal(stream.json.status.dockerImageRepository, '127.0.0.1:8080/default/recorded');
    const event = stream.json.status.tags.find((t: { tag: string }) => t.tag === 'latest').items[0];
    assert.equal(event.image, pushed.digest);
    assert.equal(event.dockerImageReference, `127.0.0.1:8080/default/recorded@${pushed.digest}`);
    const image = await h.request('GET', `/apis/image.openshift.io/v1/images/${pushed.digest}`);
    assert.equal(image.json.metadata.annotations['openshift.io/image.managed'], 'true');
    assert.equal(image.json.dockerImageMetadata.Architecture, 'amd64');
    assert.deepEqual(image.json.dockerImageMetadata.Config.Cmd, ['run']);
    assert.equal(image.json.dockerImageMetadata.Config.User, '1001');
    assert.deepEqual(image.json.dockerImageLayers, [
      { name: pushed.layerDigest, size: 'layer-rec'.length, mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip' },
    ]);
    assert.equal(image.json.dockerImageManifestMediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    const again = await pushImage(h, 'default/recorded', 'latest', 'rec2');
    const history = (await h.request('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreams/recorded')).json.status.tags[0].items;
    assert.deepEqual(
      history.map((i: { image: string }) => i.image),
      [again.digest, pushed.digest],
      'newest first',
    );
  });

  it('creates only the Image for a push by digest', async () => {
    const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
    const configDigest = await pushBlob(h, 'default/bydigest', config);
    const manifest = ociManifest(configDigest, config.length, []);
    const answer = await registryRequest(h, 'PUT', `/v2/default/bydigest/manifests/${sha256(manifest)}`, { body: manifest, headers: ociType });
    assert.equal(answer.status, 201);
    assert.equal((await h.request('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreams/bydigest')).status, 404);
    assert.equal((await h.request('GET', `/apis/image.openshift.io/v1/images/${sha256(manifest)}`)).status, 200);
    const wrong = await registryRequest(h, 'PUT', `/v2/default/bydigest/manifests/${sha256('other')}`, { body: manifest, headers: ociType });
    assert.equal(wrong.json.errors[0].code, 'DIGEST_INVALID');
  });

  it('refuses manifests naming blobs or children the repository does not hold', async () => {
    const missing = sha256('nowhere');
    const answer = await registryRequest(h, 'PUT', '/v2/default/strict/manifests/x', { body: ociManifest(missing, 10, []), headers: ociType });
    assert.equal(answer.status, 400);
    assert.equal(answer.json.errors[0].code, 'MANIFEST_BLOB_UNKNOWN');
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: missing, size: 10, platform: { architecture: 'amd64', os: 'linux' } }],
      }),
    );
    const child = await registryRequest(h, 'PUT', '/v2/default/strict/manifests/x', {
      body: index,
      headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
    });
    // distribution-spec: a manifest refused for a descriptor the registry lacks MUST get MANIFEST_BLOB_UNKNOWN, child manifests included.
    assert.equal(child.status, 400);
    assert.equal(child.json.errors[0].code, 'MANIFEST_BLOB_UNKNOWN');
    assert.match(child.json.errors[0].message, new RegExp(missing));
    assert.equal(
      (await h.request('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreams/strict')).status,
      404,
      'a refused push leaves nothing behind',
    );
  });

  it('accepts a non-distributable layer it does not hold', async () => {
    const config = Buffer.from('{"os":"windows","architecture":"amd64"}');
    const configDigest = await pushBlob(h, 'default/foreign', config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: configDigest, size: config.length },
        layers: [
          { mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', digest: sha256('base'), size: 4, urls: ['https://example.com/base'] },
        ],
      }),
    );
    assert.equal(
      (
        await registryRequest(h, 'PUT', '/v2/default/foreign/manifests/ltsc', {
          body: manifest,
          headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' },
        })
      ).status,
      201,
    );
  });

  it('refuses malformed, mismatched, schema 1 and oversized manifests with clear errors', async () => {
    const put = (body: string | Buffer, type: string) => registryRequest(h, 'PUT', '/v2/default/bad/manifests/t', { body, headers: { 'content-type': type } });
    const malformed = await put('{"schemaVersion": 2,', 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.json.errors[0].code, 'MANIFEST_INVALID');
    const mismatch = await put(
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] }),
      'application/vnd.oci.image.manifest.v1+json',
    );
    assert.match(mismatch.json.errors[0].message, /does not match the Content-Type/);
    const schema1 = await put(
      JSON.stringify({ schemaVersion: 1, name: 'x', tag: 't', fsLayers: [] }),
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
    );
    assert.equal(schema1.status, 400);
    assert.match(schema1.json.errors[0].message, /schema 1 manifests are not supported/);
    const huge = await put(Buffer.alloc(4 * 1024 * 1024 + 1, 32), 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(huge.status, 413);
    const badTag = await registryRequest(h, 'PUT', '/v2/default/bad/manifests/-bad-tag', { body: '{}', headers: ociType });
    assert.equal(badTag.json.errors[0].code, 'TAG_INVALID');
  });

  it('lists tags in pages with a Link to the next one, and answers NAME_UNKNOWN for a missing repository', async () => {
    for (const tag of ['a', 'b', 'c']) await pushImage(h, 'default/paged', tag, 'paged');
    const first = await registryRequest(h, 'GET', '/v2/default/paged/tags/list?n=2');
    assert.deepEqual(first.json, { name: 'default/paged', tags: ['a', 'b'] });
    assert.equal(first.headers.get('link'), '</v2/default/paged/tags/list?n=2&last=b>; rel="next"');
    const second = await registryRequest(h, 'GET', '/v2/default/paged/tags/list?n=2&last=b');
    assert.deepEqual(second.json.tags, ['c']);
    assert.equal(second.headers.get('link'), null);
    const missing = await registryRequest(h, 'GET', '/v2/default/nothing/tags/list');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.errors[0].code, 'NAME_UNKNOWN');
  });

  it('lists the catalog for cluster admins only', async () => {
    const catalog = await registryRequest(h, 'GET', '/v2/_catalog?n=1');
    assert.equal(catalog.json.repositories.length, 1);
    assert.match(catalog.headers.get('link') ?? '', /rel="next"/);
    const user = await h.userToken('nosy');
    assert.equal((await registryRequest(h, 'GET', '/v2/_catalog', { token: user })).status, 403);
  });

  it('answers referrers with an artifactType filter, and returns OCI-Subject on push', async () => {
    const subject = await pushImage(h, 'default/signed', 'v1', 'signed');
    const empty = Buffer.from('{}');
    const emptyDigest = await pushBlob(h, 'default/signed', empty);
    const referrer = (type: string) =>
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          artifactType: type,
          config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: emptyDigest, size: 2 },
          layers: [],
          subject: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: subject.digest, size: subject.manifest.length },
        }),
      );
    for (const type of ['application/vnd.example.sbom', 'application/vnd.example.signature']) {
      const body = referrer(type);
      const answer = await registryRequest(h, 'PUT', `/v2/default/signed/manifests/${sha256(body)}`, { body, headers: ociType });
      assert.equal(answer.status, 201);
      assert.equal(answer.headers.get('oci-subject'), subject.digest);
    }
    const all = await registryRequest(h, 'GET', `/v2/default/signed/referrers/${subject.digest}`);
    assert.equal(all.headers.get('content-type'), 'application/vnd.oci.image.index.v1+json');
    assert.equal(all.json.manifests.length, 2);
    const filtered = await registryRequest(h, 'GET', `/v2/default/signed/referrers/${subject.digest}?artifactType=application/vnd.example.sbom`);
    assert.deepEqual(
      filtered.json.manifests.map((m: { artifactType: string }) => m.artifactType),
      ['application/vnd.example.sbom'],
    );
    assert.equal(filtered.headers.get('oci-filters-applied'), 'artifactType');
  });

  it('deletes a tag as `ims tag -d` does, keeping its manifest, for those who may delete image stream tags', async () => {
    const pushed = await pushImage(h, 'default/untagging', 'v1', 'untag');
    const viewer = await h.userToken('tag-viewer');
    await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
      body: {
        metadata: { name: 'tag-viewer-view' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'User', name: 'tag-viewer' }],
      },
    });
    assert.equal((await registryRequest(h, 'DELETE', '/v2/default/untagging/manifests/v1', { token: viewer })).status, 403);
    assert.equal((await registryRequest(h, 'DELETE', '/v2/default/untagging/manifests/v1')).status, 202);
    assert.equal((await registryRequest(h, 'GET', '/v2/default/untagging/manifests/v1')).json.errors[0].code, 'MANIFEST_UNKNOWN');
    assert.equal((await registryRequest(h, 'GET', `/v2/default/untagging/manifests/${pushed.digest}`)).status, 200);
    assert.deepEqual((await registryRequest(h, 'GET', '/v2/default/untagging/tags/list')).json.tags, []);
    assert.equal((await h.request('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreamtags/untagging:v1')).status, 404);
    const again = await registryRequest(h, 'DELETE', '/v2/default/untagging/manifests/v1');
    assert.equal(again.status, 404);
    assert.equal(again.json.errors[0].code, 'MANIFEST_UNKNOWN');
    assert.equal((await registryRequest(h, 'DELETE', '/v2/default/untagging/manifests/-bad')).json.errors[0].code, 'TAG_INVALID');
  });

  it('deletes a manifest by digest, only for those who may delete images', async () => {
    const pushed = await pushImage(h, 'default/deleting', 'v1', 'del');
    const user = await h.userToken('deleter');
    await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
      body: {
        metadata: { name: 'deleter-edit' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
        subjects: [{ kind: 'User', name: 'deleter' }],
      },
    });
    const denied = await registryRequest(h, 'DELETE', `/v2/default/deleting/manifests/${pushed.digest}`, { token: user });
    assert.equal(denied.status, 403);
    assert.equal(denied.json.errors[0].code, 'DENIED');
    assert.equal((await registryRequest(h, 'DELETE', `/v2/default/deleting/manifests/${pushed.digest}`)).status, 202);
    assert.equal((await registryRequest(h, 'GET', `/v2/default/deleting/manifests/${pushed.digest}`)).json.errors[0].code, 'MANIFEST_UNKNOWN');
    assert.equal((await registryRequest(h, 'GET', '/v2/default/deleting/manifests/v1')).status, 404);
  });
});

describe('images referenced from another stream', () => {
  it('serves manifests and blobs an image stream references, and nothing it does not', async () => {
    const h = await startHarness();
    const pushed = await pushImage(h, 'default/origin', 'v1', 'shared');
    await h.request('POST', '/apis/image.openshift.io/v1/namespaces/default/imagestreams', { body: { metadata: { name: 'copy' }, spec: {} } });
    await h.request('POST', '/apis/image.openshift.io/v1/namespaces/default/imagestreams', { body: { metadata: { name: 'unrelated' }, spec: {} } });
    const tagged = await h.request('POST', '/apis/image.openshift.io/v1/namespaces/default/imagestreamtags', {
      body: { metadata: { name: 'copy:v1' }, tag: { from: { kind: 'ImageStreamTag', name: 'origin:v1' } } },
    });
    assert.equal(tagged.status, 201, tagged.text);
    const manifest = await registryRequest(h, 'GET', '/v2/default/copy/manifests/v1');
    assert.equal(manifest.status, 200);
    assert.ok(manifest.bytes.equals(pushed.manifest));
    assert.equal((await registryRequest(h, 'GET', `/v2/default/copy/blobs/${pushed.layerDigest}`)).bytes.toString(), 'layer-shared');
    assert.equal((await registryRequest(h, 'GET', `/v2/default/copy/blobs/${pushed.configDigest}`)).status, 200);
    assert.equal((await registryRequest(h, 'GET', `/v2/default/unrelated/blobs/${pushed.layerDigest}`)).status, 404);
    assert.equal((await registryRequest(h, 'GET', `/v2/default/unrelated/manifests/${pushed.digest}`)).status, 404);
  });
});

describe('a replica whose blob store lacks a manifest the shared store links', () => {
  it('answers HEAD and GET alike: 404 MANIFEST_UNKNOWN, never HEAD 200 and then GET 404', async () => {
    const { MemoryBlobStore } = await import('../../src/blobs/memory/memory-blob-store.ts');
    const { systemClock } = await import('../../src/lib/clock.ts');
    const first = await startHarness([], { blobs: new MemoryBlobStore({ clock: systemClock }) });
    const second = await startHarness([], { store: first.store, blobs: new MemoryBlobStore({ clock: systemClock }) });
    const pushed = await pushImage(first, 'default/elsewhere', 'v1', 'pushed through the first replica');
    assert.equal(pushed.answer.status, 201);
    for (const reference of ['v1', pushed.digest]) {
      const path = `/v2/default/elsewhere/manifests/${reference}`;
      const head = await registryRequest(second, 'HEAD', path, { token: first.adminToken });
      const get = await registryRequest(second, 'GET', path, { token: first.adminToken });
      assert.deepEqual([head.status, get.status], [404, 404], reference);
      assert.equal(JSON.parse(get.bytes.toString()).errors[0].code, 'MANIFEST_UNKNOWN');
      assert.equal((await registryRequest(first, 'HEAD', path)).status, 200, 'the replica holding the bytes still serves them');
    }
  });
});
