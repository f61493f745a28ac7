import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from '../support/api-harness.ts';
import { registryRequest } from '../support/registry-client.ts';
import { putImage, putManifestList, startFakeUpstream } from '../support/fake-upstream.ts';

describe('pull-through', () => {
  it('serves an imported image from upstream, mirrors it, and keeps serving it while the upstream is down', async () => {
    const upstream = await startFakeUpstream();
    const h = await startHarness();
    try {
      const digest = putImage(upstream, 'org/app', 'v1', 'pulled');
      const imported = await h.request('POST', '/apis/image.openshift.io/v1/namespaces/default/imagestreamimports', {
        body: { metadata: { name: 'pt' }, spec: { import: true, images: [{ from: { kind: 'DockerImage', name: `${upstream.host}/org/app:v1` }, to: { name: 'v1' }, importPolicy: { insecure: true }, referencePolicy: { type: 'Local' } }] } },
      });
      assert.equal(imported.json.status.images[0].status.status, 'Success');
      const istag = await h.request('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreamtags/pt:v1');
      assert.equal(istag.json.image.dockerImageReference, `127.0.0.1:8080/default/pt@${digest}`, 'Local tags name the integrated registry');
      const manifest = await registryRequest(h, 'GET', '/v2/default/pt/manifests/v1');
      assert.equal(manifest.status, 200);
      assert.equal(manifest.headers.get('docker-content-digest'), digest);
      const layers = (JSON.parse(manifest.bytes.toString()) as { config: { digest: string }; layers: { digest: string }[] });
      const blobs = [layers.config.digest, ...layers.layers.map((l) => l.digest)];
      const before = upstream.requests.length;
      const parallel = await Promise.all([1, 2, 3].map(() => registryRequest(h, 'GET', `/v2/default/pt/blobs/${blobs[1]}`)));
      for (const answer of parallel) assert.equal(answer.bytes.toString(), 'layer pulled');
      assert.equal(upstream.requests.slice(before).filter((r) => r.includes(`/blobs/${blobs[1]}`)).length, 1, 'concurrent misses fetch once');
      await registryRequest(h, 'GET', `/v2/default/pt/blobs/${blobs[0]}`);
      await upstream.stop();
      assert.ok((await registryRequest(h, 'GET', `/v2/default/pt/manifests/${digest}`)).bytes.equals(manifest.bytes), 'the mirrored manifest survives the upstream');
      assert.equal((await registryRequest(h, 'GET', `/v2/default/pt/blobs/${blobs[1]}`)).bytes.toString(), 'layer pulled');
    } finally {
      await upstream.stop().catch(() => {});
      await h.server.close();
    }
  });

  it('pulls through the children of a manifest list, and never proxies what the stream does not reference', async () => {
    const upstream = await startFakeUpstream();
    const h = await startHarness();
    try {
      const { list, children } = putManifestList(upstream, 'multi/app', 'latest', 'pt');
      const unrelated = putImage(upstream, 'multi/app', 'other', 'unrelated');
      await h.request('POST', '/apis/image.openshift.io/v1/namespaces/default/imagestreamimports', {
        body: { metadata: { name: 'whole' }, spec: { import: true, images: [{ from: { kind: 'DockerImage', name: `${upstream.host}/multi/app:latest` }, to: { name: 'latest' }, importPolicy: { insecure: true, importMode: 'PreserveOriginal' } }] } },
      });
      assert.equal((await registryRequest(h, 'GET', `/v2/default/whole/manifests/${list}`)).status, 200);
      assert.equal((await registryRequest(h, 'GET', `/v2/default/whole/manifests/${children.arm64}`)).status, 200);
      const before = upstream.requests.length;
      const refused = await registryRequest(h, 'GET', `/v2/default/whole/manifests/${unrelated}`);
      assert.equal(refused.status, 404);
      assert.equal(upstream.requests.length, before, 'not even asked upstream');
    } finally {
      await upstream.stop();
      await h.server.close();
    }
  });
});
