import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';
import { pushImage } from '../../support/registry-client.ts';

const base = '/apis/image.openshift.io/v1/namespaces/default';

describe('image stream views', () => {
  let h: Harness;
  let pushed: Awaited<ReturnType<typeof pushImage>>;
  before(async () => {
    h = await startHarness();
    pushed = await pushImage(h, 'default/views', 'v1', 'views');
  });

  it('finds an image of a stream by digest or unique prefix', async () => {
    for (const id of [pushed.digest, pushed.digest.slice(0, 19), pushed.digest.slice(7, 19)]) {
      const answer = await h.request('GET', `${base}/imagestreamimages/views@${id}`);
      assert.equal(answer.status, 200, id);
      assert.equal(answer.json.image.metadata.name, pushed.digest);
      assert.equal(answer.json.image.dockerImageManifest, undefined);
    }
    assert.equal((await h.request('GET', `${base}/imagestreamimages/views`)).json.message, 'ImageStreamImages must be retrieved with <name>@<id>');
    assert.equal((await h.request('GET', `${base}/imagestreamimages/views@ffffff`)).status, 404);
  });

  it('lists the layers and images a stream references', async () => {
    const answer = await h.request('GET', `${base}/imagestreams/views/layers`);
    assert.equal(answer.json.kind, 'ImageStreamLayers');
    assert.deepEqual(answer.json.images[pushed.digest].layers, [pushed.layerDigest]);
    assert.equal(answer.json.images[pushed.digest].config, pushed.configDigest);
    assert.equal(answer.json.blobs[pushed.layerDigest].size, 'layer-views'.length);
  });

  it('lists the pull secrets the importer may use, without excluded ones', async () => {
    const config = Buffer.from(JSON.stringify({ auths: { 'quay.io': { auth: Buffer.from('u:p').toString('base64') } } })).toString('base64');
    await h.request('POST', '/api/v1/namespaces/default/secrets', {
      body: { metadata: { name: 'use-me' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': config } },
    });
    await h.request('POST', '/api/v1/namespaces/default/secrets', {
      body: {
        metadata: { name: 'skip-me', annotations: { 'openshift.io/image.excludeSecret': 'true' } },
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': config },
      },
    });
    await h.request('POST', '/api/v1/namespaces/default/secrets', { body: { metadata: { name: 'opaque' }, stringData: { a: 'b' } } });
    const answer = await h.request('GET', `${base}/imagestreams/views/secrets`);
    assert.equal(answer.json.kind, 'SecretList');
    assert.deepEqual(
      answer.json.items.map((s: { metadata: { name: string } }) => s.metadata.name),
      ['use-me'],
    );
  });

  it('lets service accounts of the project read layers but not secrets', async () => {
    const sa = await h.serviceAccountToken('default', 'default');
    assert.equal((await h.request('GET', `${base}/imagestreams/views/layers`, { token: sa })).status, 200);
    assert.equal((await h.request('GET', `${base}/imagestreams/views/secrets`, { token: sa })).status, 403);
  });
});
