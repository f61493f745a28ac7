// The OCI conformance suite's sha512 and empty-blob data sets, as this project's own tests: a
// registry must take content under any digest algorithm the spec registers, not only sha256.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startHarness, type Harness } from '../support/api-harness.ts';
import { registryRequest, sha256 } from '../support/registry-client.ts';

const sha512 = (data: Buffer | string) => `sha512:${createHash('sha512').update(data).digest('hex')}`;

describe('content under sha512 digests and zero-byte blobs', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  it('takes a sha512 blob in one POST, in POST+PUT and in chunks, and serves it by that digest', async () => {
    const content = Buffer.from('sha512 layer bytes');
    const digest = sha512(content);
    const oneShot = await registryRequest(h, 'POST', `/v2/default/algo/blobs/uploads/?digest=${digest}`, { body: content });
    assert.equal(oneShot.status, 201);
    assert.equal(oneShot.headers.get('location'), `/v2/default/algo/blobs/${digest}`);

    const session = await registryRequest(h, 'POST', '/v2/default/algo2/blobs/uploads/');
    const put = await registryRequest(h, 'PUT', `${session.headers.get('location')}?digest=${digest}`, { body: content });
    assert.equal(put.status, 201);
    assert.equal(put.headers.get('docker-content-digest'), digest);

    const chunked = (await registryRequest(h, 'POST', '/v2/default/algo3/blobs/uploads/')).headers.get('location')!;
    assert.equal((await registryRequest(h, 'PATCH', chunked, { body: content.subarray(0, 6), headers: { 'content-range': '0-5' } })).status, 202);
    assert.equal(
      (await registryRequest(h, 'PATCH', chunked, { body: content.subarray(6), headers: { 'content-range': `6-${content.length - 1}` } })).status,
      202,
    );
    assert.equal((await registryRequest(h, 'PUT', `${chunked}?digest=${digest}`)).status, 201);

    for (const repository of ['algo', 'algo2', 'algo3']) {
      const head = await registryRequest(h, 'HEAD', `/v2/default/${repository}/blobs/${digest}`);
      assert.equal(head.status, 200, repository);
      assert.equal(head.headers.get('docker-content-digest'), digest);
      assert.equal(head.headers.get('content-length'), String(content.length));
      assert.ok((await registryRequest(h, 'GET', `/v2/default/${repository}/blobs/${digest}`)).bytes.equals(content), repository);
    }
  });

  it('refuses a sha512 upload whose bytes do not match, and keeps nothing under that digest', async () => {
    const digest = sha512('what was promised');
    const answer = await registryRequest(h, 'POST', `/v2/default/algo-bad/blobs/uploads/?digest=${digest}`, { body: 'something else' });
    assert.equal(answer.status, 400);
    assert.equal(answer.json.errors[0].code, 'DIGEST_INVALID');
    assert.equal((await registryRequest(h, 'HEAD', `/v2/default/algo-bad/blobs/${digest}`)).status, 404);
  });

  it('stores a manifest pushed by its sha512 digest and serves it by that digest', async () => {
    const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
    const layer = Buffer.from('sha512 image layer');
    const configDigest = sha512(config);
    const layerDigest = sha512(layer);
    for (const [bytes, digest] of [
      [config, configDigest],
      [layer, layerDigest],
    ] as const)
      assert.equal((await registryRequest(h, 'POST', `/v2/default/algo-image/blobs/uploads/?digest=${digest}`, { body: bytes })).status, 201);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length }],
      }),
    );
    const digest = sha512(manifest);
    const put = await registryRequest(h, 'PUT', `/v2/default/algo-image/manifests/${digest}`, {
      body: manifest,
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    });
    assert.equal(put.status, 201);
    assert.equal(put.headers.get('docker-content-digest'), digest);
    assert.equal(put.headers.get('location'), `/v2/default/algo-image/manifests/${digest}`);
    const got = await registryRequest(h, 'GET', `/v2/default/algo-image/manifests/${digest}`, {
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    assert.equal(got.status, 200);
    assert.ok(got.bytes.equals(manifest));
    assert.equal(got.headers.get('content-type'), 'application/vnd.oci.image.manifest.v1+json');

    const wrong = await registryRequest(h, 'PUT', `/v2/default/algo-image/manifests/${sha512('other')}`, {
      body: manifest,
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    });
    assert.equal(wrong.json.errors[0].code, 'DIGEST_INVALID');
  });

  it('takes and serves a zero-byte blob, as the empty descriptor of artifacts needs', async () => {
    for (const digest of [sha256(''), sha512('')]) {
      const pushed = await registryRequest(h, 'POST', `/v2/default/empty-blob/blobs/uploads/?digest=${digest}`, { body: Buffer.alloc(0) });
      assert.equal(pushed.status, 201, digest);
      const head = await registryRequest(h, 'HEAD', `/v2/default/empty-blob/blobs/${digest}`);
      assert.equal(head.status, 200, digest);
      assert.equal(head.headers.get('content-length'), '0');
      const got = await registryRequest(h, 'GET', `/v2/default/empty-blob/blobs/${digest}`);
      assert.equal(got.status, 200);
      assert.equal(got.bytes.length, 0);
    }
  });
});
