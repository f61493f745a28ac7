import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startHarness, type Harness } from '../../support/api-harness.ts';
import { putImage, putManifestList, startFakeUpstream, type FakeUpstream } from '../../support/fake-upstream.ts';
import { freePort } from '../../support/serve-process.ts';

const isi = '/apis/image.openshift.io/v1/namespaces/default/imagestreamimports';
const streamPath = (name: string) => `/apis/image.openshift.io/v1/namespaces/default/imagestreams/${name}`;
const importOf = (name: string, from: string, extra: Record<string, unknown> = {}, doImport = true) => ({
  apiVersion: 'image.openshift.io/v1',
  kind: 'ImageStreamImport',
  metadata: { name },
  spec: { import: doImport, images: [{ from: { kind: 'DockerImage', name: from }, to: { name: 'v1' }, importPolicy: { insecure: true }, ...extra }] },
});

async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('imagestreamimports', () => {
  let h: Harness;
  let upstream: FakeUpstream;
  let digest: string;
  before(async () => {
    h = await startHarness(['--max-images-bulk-imported-per-repository', '2']);
    upstream = await startFakeUpstream();
    digest = putImage(upstream, 'org/app', '1.0', 'one');
  });
  after(async () => {
    await upstream.stop();
    await h.server.close();
  });

  it('imports an image, records it on the stream and creates the Image without its manifest', async () => {
    const answer = await h.request('POST', isi, { body: importOf('app', `${upstream.host}/org/app:1.0`) });
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.json.status.images[0].status.status, 'Success');
    const stream = (await h.request('GET', streamPath('app'))).json;
    const event = stream.status.tags.find((t: { tag: string }) => t.tag === 'v1').items[0];
    assert.equal(event.image, digest);
    assert.equal(event.dockerImageReference, `${upstream.host}/org/app@${digest}`);
    assert.match(stream.metadata.annotations['openshift.io/image.dockerRepositoryCheck'], /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(stream.spec.tags[0].from, { kind: 'DockerImage', name: `${upstream.host}/org/app:1.0` });
    const image = (await h.request('GET', `/apis/image.openshift.io/v1/images/${digest}`)).json;
    assert.equal(image.dockerImageManifest, undefined);
    assert.equal(image.dockerImageMetadata.Architecture, 'amd64');
    assert.equal(image.metadata.annotations['openshift.io/image.managed'], undefined);
  });

  it('re-imports an unchanged tag with a single manifest request', async () => {
    await h.request('POST', isi, { body: importOf('again', `${upstream.host}/org/app:1.0`) });
    const before = upstream.requests.length;
    const answer = await h.request('POST', isi, { body: importOf('again', `${upstream.host}/org/app:1.0`) });
    assert.equal(answer.json.status.images[0].status.status, 'Success');
    const made = upstream.requests.slice(before);
    assert.deepEqual(
      made.filter((r) => r.includes('/manifests/') || r.includes('/blobs/')),
      ['GET /v2/org/app/manifests/1.0'],
    );
  });

  it('previews with import: false without touching anything', async () => {
    const answer = await h.request('POST', isi, { body: importOf('preview', `${upstream.host}/org/app:1.0`, {}, false) });
    assert.equal(answer.json.status.images[0].image.metadata.name, digest);
    assert.equal((await h.request('GET', streamPath('preview'))).status, 404);
  });

  it('keeps the last good image and adds one condition when a later import fails', async () => {
    await h.request('POST', isi, { body: importOf('keep', `${upstream.host}/org/app:1.0`) });
    const failed = await h.request('POST', isi, { body: importOf('keep', `${upstream.host}/org/app:2.0`) });
    assert.equal(failed.json.status.images[0].status.reason, 'NotFound');
    assert.equal(failed.json.status.images[0].status.message, `dockerimage.image.openshift.io "${upstream.host}/org/app:2.0" not found`);
    const tag = (await h.request('GET', streamPath('keep'))).json.status.tags.find((t: { tag: string }) => t.tag === 'v1');
    assert.equal(tag.items.length, 1);
    assert.equal(tag.items[0].image, digest, 'the last good image stays current');
    assert.equal(tag.conditions.length, 1);
    assert.deepEqual([tag.conditions[0].type, tag.conditions[0].status, tag.conditions[0].reason], ['ImportSuccess', 'False', 'NotFound']);
  });

  it('reports a registry that refuses the connection as ServiceUnavailable, keeping the last good image', async () => {
    await h.request('POST', isi, { body: importOf('outage', `${upstream.host}/org/app:1.0`) });
    const port = await freePort();
    const failed = await h.request('POST', isi, { body: importOf('outage', `127.0.0.1:${port}/org/app:1.0`) });
    const status = failed.json.status.images[0].status;
    assert.deepEqual([status.reason, status.code], ['ServiceUnavailable', 503]);
    assert.equal(status.message, `127.0.0.1:${port}/org/app:1.0: dial tcp 127.0.0.1:${port}: connect: connection refused`);
    const tag = (await h.request('GET', streamPath('outage'))).json.status.tags.find((t: { tag: string }) => t.tag === 'v1');
    assert.equal(tag.items[0].image, digest);
    assert.deepEqual([tag.conditions[0].type, tag.conditions[0].status, tag.conditions[0].reason], ['ImportSuccess', 'False', 'ServiceUnavailable']);
  });

  it('picks one platform of a manifest list in Legacy mode, honouring prefer-arch', async () => {
    const { list, children } = putManifestList(upstream, 'multi/app', 'latest', 'multi');
    const legacy = await h.request('POST', isi, { body: importOf('multi', `${upstream.host}/multi/app:latest`) });
    assert.equal(legacy.json.status.images[0].image.metadata.name, children.amd64);
    await h.request('PUT', '/apis/image.openshift.io/v1/namespaces/default/imagestreamtags/arm:v1', {
      body: {
        tag: {
          name: 'v1',
          annotations: { 'importer.image.openshift.io/prefer-arch': 'arm64' },
          from: { kind: 'DockerImage', name: `${upstream.host}/multi/app:latest` },
          reference: true,
        },
      },
    });
    const preferred = await h.request('POST', isi, { body: importOf('arm', `${upstream.host}/multi/app:latest`) });
    assert.equal(preferred.json.status.images[0].image.metadata.name, children.arm64);
    const preserved = await h.request('POST', isi, {
      body: importOf('whole', `${upstream.host}/multi/app:latest`, { importPolicy: { insecure: true, importMode: 'PreserveOriginal' } }),
    });
    assert.equal(preserved.json.status.images[0].image.metadata.name, list);
    assert.equal(preserved.json.status.images[0].manifests.length, 3);
    const listImage = (await h.request('GET', `/apis/image.openshift.io/v1/images/${list}`)).json;
    assert.deepEqual(
      listImage.dockerImageManifests.map((m: { architecture: string }) => m.architecture),
      ['amd64', 'arm64', 'ppc64le'],
    );
    assert.equal((await h.request('GET', `/apis/image.openshift.io/v1/images/${children.ppc64le}`)).status, 200, 'children are Images too');
  });

  it('fails cleanly when a child of a manifest list is missing', async () => {
    const { children } = putManifestList(upstream, 'broken/app', 'latest', 'broken');
    upstream.fault(new RegExp(`manifests/${children.amd64}$`), 1, (res) => res.writeHead(404).end());
    const answer = await h.request('POST', isi, { body: importOf('broken', `${upstream.host}/broken/app:latest`) });
    assert.equal(answer.json.status.images[0].status.reason, 'NotFound');
    assert.equal((await h.request('GET', `/apis/image.openshift.io/v1/images/${children.amd64}`)).status, 404, 'nothing half-imported is stored');
  });

  it('uses the namespace pull secrets, names the one that served, and skips excluded ones', async () => {
    const privateUpstream = await startFakeUpstream({ basic: { user: 'bot', password: 'pw' } });
    try {
      const privateDigest = putImage(privateUpstream, 'org/private', 'v1', 'private');
      const config = (password: string) => Buffer.from(JSON.stringify({ auths: { [privateUpstream.host]: { username: 'bot', password } } })).toString('base64');
      const without = await h.request('POST', isi, { body: importOf('private', `${privateUpstream.host}/org/private:v1`) });
      assert.equal(without.json.status.images[0].status.reason, 'Unauthorized');
      assert.match(without.json.status.images[0].status.message, /did not have credentials to the repository/);
      await h.request('POST', '/api/v1/namespaces/default/secrets', {
        body: {
          metadata: { name: 'hidden', annotations: { 'openshift.io/image.excludeSecret': 'true' } },
          type: 'kubernetes.io/dockerconfigjson',
          data: { '.dockerconfigjson': config('pw') },
        },
      });
      assert.equal(
        (await h.request('POST', isi, { body: importOf('private', `${privateUpstream.host}/org/private:v1`) })).json.status.images[0].status.reason,
        'Unauthorized',
      );
      await h.request('POST', '/api/v1/namespaces/default/secrets', {
        body: { metadata: { name: 'pull-creds' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': config('pw') } },
      });
      const withSecret = await h.request('POST', isi, { body: importOf('private', `${privateUpstream.host}/org/private:v1`) });
      assert.equal(withSecret.json.status.images[0].status.status, 'Success');
      assert.equal(withSecret.json.status.images[0].image.metadata.name, privateDigest);
      const stream = (await h.request('GET', streamPath('private'))).json;
      assert.equal(stream.metadata.annotations['imagestream.io/import-secrets'], 'pull-creds');
      assert.ok(!JSON.stringify(stream).includes(config('pw')), 'no secret content on the stream');
      // The bookkeeping stays true: once the secret is gone, the next import says no secret served,
      // and a deleted tag's upstream digest is forgotten.
      await h.request('DELETE', '/api/v1/namespaces/default/secrets/pull-creds');
      await privateUpstream.stop();
      putImage(upstream, 'org/public', 'v1', 'public');
      await h.request('POST', isi, { body: importOf('private', `${upstream.host}/org/public:v1`) });
      const after = (await h.request('GET', streamPath('private'))).json;
      assert.equal(after.metadata.annotations['imagestream.io/import-secrets'], undefined);
      assert.equal((await h.request('DELETE', '/apis/image.openshift.io/v1/namespaces/default/imagestreamtags/private:v1')).status, 200);
      const untagged = (await h.request('GET', streamPath('private'))).json;
      assert.equal(untagged.metadata.annotations?.['imagestream.io/source-digests'], undefined);
    } finally {
      await privateUpstream.stop();
    }
  });

  it('imports a repository up to the server limit and lists the rest as additional tags', async () => {
    for (const tag of ['latest', '1.1', '1.2', 'misc']) putImage(upstream, 'bulk/app', tag, `bulk-${tag}`);
    const answer = await h.request('POST', isi, {
      body: {
        metadata: { name: 'bulk' },
        spec: { import: true, repository: { from: { kind: 'DockerImage', name: `${upstream.host}/bulk/app` }, importPolicy: { insecure: true } } },
      },
    });
    assert.deepEqual(
      answer.json.status.repository.images.map((i: { tag: string }) => i.tag),
      ['latest', '1.2'],
    );
    assert.deepEqual(answer.json.status.repository.additionalTags, ['1.1', 'misc']);
  });

  it('refuses requests without images, with another kind, or with a tagged repository', async () => {
    assert.equal((await h.request('POST', isi, { body: { metadata: { name: 'x' }, spec: { import: true } } })).status, 422);
    assert.match(
      (await h.request('POST', isi, { body: { metadata: { name: 'x' }, spec: { images: [{ from: { kind: 'ImageStreamTag', name: 'a:b' } }] } } })).json.message,
      /only DockerImage is supported/,
    );
    assert.match(
      (await h.request('POST', isi, { body: { metadata: { name: 'x' }, spec: { repository: { from: { kind: 'DockerImage', name: 'quay.io/a/b:1' } } } } })).json
        .message,
      /you must specify an image repository, not a tag or ID/,
    );
  });

  it('imports a DockerImage spec tag as soon as it is set', async () => {
    const set = await h.request('PUT', '/apis/image.openshift.io/v1/namespaces/default/imagestreamtags/auto:prod', {
      body: { tag: { name: 'prod', from: { kind: 'DockerImage', name: `${upstream.host}/org/app:1.0` }, importPolicy: { insecure: true } } },
    });
    assert.equal(set.status, 200, set.text);
    const event = await eventually(
      async () => (await h.request('GET', streamPath('auto'))).json.status?.tags?.find((t: { tag: string }) => t.tag === 'prod')?.items?.[0],
      'the import',
    );
    assert.equal(event.image, digest);
  });
});

describe('imagestreamimports on a server that keeps imports out of its own network', () => {
  let upstream: FakeUpstream;
  before(async () => {
    upstream = await startFakeUpstream();
    putImage(upstream, 'org/app', '1.0', 'internal');
  });
  after(async () => {
    await upstream.stop();
  });
  const port = () => upstream.host.split(':')[1];

  it('refuses loopback registries, by address or by name, and says so on the tag', async () => {
    const h = await startHarness([], { allowPrivateRegistries: false });
    try {
      const before = upstream.requests.length;
      for (const [name, from] of [
        ['by-address', `${upstream.host}/org/app:1.0`],
        ['by-name', `localhost:${port()}/org/app:1.0`],
      ]) {
        const answer = await h.request('POST', isi, { body: importOf(name, from) });
        const status = answer.json.status.images[0].status;
        assert.equal(status.reason, 'Forbidden', answer.text);
        assert.match(
          status.message,
          /^importing images from registry "(127\.0\.0\.1|localhost):\d+" is forbidden: .*a loopback address.*--allow-private-registries/,
        );
        const condition = (await h.request('GET', streamPath(name))).json.status.tags[0].conditions[0];
        assert.deepEqual([condition.type, condition.status, condition.reason], ['ImportSuccess', 'False', 'Forbidden']);
      }
      assert.equal(upstream.requests.length, before, 'the upstream was never asked');
    } finally {
      await h.server.close();
    }
  });

  it('imports only from --allowed-registries, matched before anything is sent', async () => {
    const h = await startHarness(['--allowed-registries', `quay.io,127.0.0.1:${port()}`]);
    const other = await startFakeUpstream();
    try {
      putImage(other, 'org/app', '1.0', 'other');
      assert.equal((await h.request('POST', isi, { body: importOf('listed', `${upstream.host}/org/app:1.0`) })).json.status.images[0].status.status, 'Success');
      const refused = (await h.request('POST', isi, { body: importOf('unlisted', `${other.host}/org/app:1.0`) })).json.status.images[0].status;
      assert.equal(refused.reason, 'Forbidden');
      assert.equal(
        refused.message,
        `importing images from registry "${other.host}" is forbidden: registry "${other.host}" not allowed by whitelist: "quay.io:443", "127.0.0.1:${port()}"`,
      );
      assert.deepEqual(other.requests, []);
    } finally {
      await other.stop();
      await h.server.close();
    }
  });
});

describe('import failures in stream status', () => {
  let h: Harness;
  let upstream: FakeUpstream;
  const credentials = Buffer.from('bot:s3cret').toString('base64');
  before(async () => {
    h = await startHarness();
    upstream = await startFakeUpstream({ basic: { user: 'bot', password: 's3cret' } });
    putImage(upstream, 'org/app', '1.0', 'echo');
    const config = Buffer.from(JSON.stringify({ auths: { [upstream.host]: { username: 'bot', password: 's3cret' } } })).toString('base64');
    await h.request('POST', '/api/v1/namespaces/default/secrets', {
      body: { metadata: { name: 'pull-creds' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': config } },
    });
  });
  after(async () => {
    await upstream.stop();
    await h.server.close();
  });

  it('never shows what a registry echoes back, such as the Authorization header of a pull secret', async () => {
    // A registry that puts the request's headers in its error body, as some debugging proxies do.
    const echo = (res: ServerResponse, req: IncomingMessage) => {
      const body = JSON.stringify({
        errors: [{ code: 'MANIFEST_INVALID', message: `request had Authorization: ${req.headers.authorization}`, detail: { headers: req.headers } }],
        padding: 'x'.repeat(10_000),
      });
      res.writeHead(400, { 'content-type': 'application/json' }).end(body);
    };
    upstream.fault(/manifests\/1\.0$/, 1, echo);
    await h.request('POST', isi, { body: importOf('echoed', `${upstream.host}/org/app:1.0`) });
    upstream.fault(/manifests\/1\.0$/, 1, (res, req) =>
      res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' }).end(`${req.headers.authorization} is what you sent`),
    );
    await h.request('POST', isi, { body: importOf('echoed-as-manifest', `${upstream.host}/org/app:1.0`) });
    for (const name of ['echoed', 'echoed-as-manifest']) {
      const stream = (await h.request('GET', streamPath(name))).text;
      for (const secret of [credentials, credentials.slice(0, 4), 's3cret']) assert.ok(!stream.includes(secret), `${name}: the stream shows ${secret}`);
      const condition = JSON.parse(stream).status.tags[0].conditions[0];
      assert.ok(condition.message.length <= 512, `${name}: ${condition.message.length} characters`);
      assert.ok(condition.message.includes(upstream.host), condition.message);
    }
    const classified = JSON.parse((await h.request('GET', streamPath('echoed'))).text).status.tags[0].conditions[0];
    assert.equal(classified.reason, 'InternalError');
    assert.match(classified.message, /the registry answered 400 Bad Request \(MANIFEST_INVALID\)$/);
  });
});
