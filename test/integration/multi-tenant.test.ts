// Two users, two projects, one real server: every path from one project into the other — API
// kinds, virtual kinds, mappings, status, the registry's manifests, blobs, uploads, mounts,
// referrers, tag lists and catalog — is refused, and the victim's project is unchanged afterwards.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { pushOverHttp } from '../support/http-push.ts';
import { sha256 } from '../support/registry-client.ts';

const image = '/apis/image.openshift.io/v1';
const dockerManifest = 'application/vnd.docker.distribution.manifest.v2+json';

interface Case {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly token?: 'bob' | 'none';
  /** Acceptable statuses: a refusal, or for a few paths an answer that grants nothing. */
  readonly expect: readonly number[];
}

describe('two tenants on one server', () => {
  let server: RunningServer;
  let host: string;
  const tokens: Record<string, string> = {};
  let digest: string;
  let layer: string;
  let aliceUpload: string;
  let before_: { stream: string; secret: string };

  const call = async (method: string, path: string, options: { token?: string; body?: unknown; contentType?: string } = {}) => {
    const headers: Record<string, string> = { accept: `application/json, ${dockerManifest}` };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const response = await fetch(`${server.url}${path}`, { method, headers, body });
    return { status: response.status, text: await response.text(), headers: response.headers };
  };

  before(async () => {
    const htpasswd = join(makeTempDir('ims-tenants'), 'users.htpasswd');
    writeFileSync(htpasswd, ['alice', 'bob'].map((user) => `${user}:${bcrypt.hashSync(`${user}-password`, 4)}\n`).join(''));
    server = await startServer(['--htpasswd', htpasswd]);
    host = server.url.replace('http://', '');
    for (const user of ['alice', 'bob']) {
      const cli = cliSession();
      assert.equal((await cli.run(['login', server.url, '-u', user, '-p', `${user}-password`])).code, 0);
      assert.equal((await cli.run(['new-project', user === 'alice' ? 'alpha' : 'beta'])).code, 0);
      tokens[user] = (await cli.run(['whoami', '-t'])).stdout.trim();
      if (user === 'alice') {
        const secret = await cli.run([
          'create',
          'secret',
          'docker-registry',
          'creds',
          '--docker-server',
          'quay.io',
          '--docker-username',
          'alice',
          '--docker-password',
          'alice-secret',
        ]);
        assert.equal(secret.code, 0, secret.stderr);
      }
    }
    digest = await pushOverHttp(server.url, tokens.alice, 'alpha/app', 'v1', 'alpha-private');
    await pushOverHttp(server.url, tokens.bob, 'beta/own', 'v1', 'beta');
    layer = sha256(Buffer.from('layer for alpha-private'));
    const started = await call('POST', '/v2/alpha/app/blobs/uploads/', { token: tokens.alice });
    assert.equal(started.status, 202);
    aliceUpload = started.headers.get('docker-upload-uuid')!;
    before_ = {
      stream: (await call('GET', `${image}/namespaces/alpha/imagestreams/app`, { token: tokens.alice })).text,
      secret: (await call('GET', '/api/v1/namespaces/alpha/secrets/creds', { token: tokens.alice })).text,
    };
  });
  after(async () => {
    await server.stop();
  });

  const cases = (): Case[] => {
    const alpha = `${image}/namespaces/alpha`;
    const forgedEvent = {
      tag: 'stolen',
      items: [{ created: '2024-01-01T00:00:00Z', dockerImageReference: `${host}/alpha/app@${digest}`, image: digest, generation: 1 }],
    };
    const denied = [403];
    return [
      // The victim's project through the API.
      { name: 'list streams', method: 'GET', path: `${alpha}/imagestreams`, expect: denied },
      { name: 'get stream', method: 'GET', path: `${alpha}/imagestreams/app`, expect: denied },
      { name: 'watch streams', method: 'GET', path: `${alpha}/imagestreams?watch=true&timeoutSeconds=1`, expect: denied },
      { name: 'get stream status', method: 'GET', path: `${alpha}/imagestreams/app/status`, expect: denied },
      { name: 'update stream', method: 'PUT', path: `${alpha}/imagestreams/app`, body: { metadata: { name: 'app' }, spec: {} }, expect: denied },
      { name: 'delete stream', method: 'DELETE', path: `${alpha}/imagestreams/app`, expect: denied },
      { name: 'stream layers', method: 'GET', path: `${alpha}/imagestreams/app/layers`, expect: denied },
      { name: 'stream secrets', method: 'GET', path: `${alpha}/imagestreams/app/secrets`, expect: denied },
      { name: 'get istag', method: 'GET', path: `${alpha}/imagestreamtags/app:v1`, expect: denied },
      { name: 'list istags', method: 'GET', path: `${alpha}/imagestreamtags`, expect: denied },
      {
        name: 'create istag',
        method: 'POST',
        path: `${alpha}/imagestreamtags`,
        body: { metadata: { name: 'app:evil' }, tag: { from: { kind: 'DockerImage', name: 'evil.example/x:1' } } },
        expect: denied,
      },
      { name: 'get isimage', method: 'GET', path: `${alpha}/imagestreamimages/app@${digest}`, expect: denied },
      {
        name: 'import into victim',
        method: 'POST',
        path: `${alpha}/imagestreamimports`,
        body: { metadata: { name: 'app' }, spec: { import: true, images: [{ from: { kind: 'DockerImage', name: 'evil.example/x:1' }, to: { name: 'v1' } }] } },
        expect: denied,
      },
      {
        name: 'mapping into victim',
        method: 'POST',
        path: `${alpha}/imagestreammappings`,
        body: { metadata: { name: 'app' }, image: { metadata: { name: digest } }, tag: 'evil' },
        expect: denied,
      },
      { name: 'list secrets', method: 'GET', path: '/api/v1/namespaces/alpha/secrets', expect: denied },
      { name: 'get secret', method: 'GET', path: '/api/v1/namespaces/alpha/secrets/creds', expect: denied },
      {
        name: 'service account token',
        method: 'POST',
        path: '/api/v1/namespaces/alpha/serviceaccounts/default/token',
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} },
        expect: denied,
      },
      {
        name: 'grant self admin',
        method: 'POST',
        path: '/apis/rbac.authorization.k8s.io/v1/namespaces/alpha/rolebindings',
        body: {
          metadata: { name: 'bob-admin' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
          subjects: [{ kind: 'User', name: 'bob' }],
        },
        expect: denied,
      },
      { name: 'list deployments', method: 'GET', path: '/apis/apps/v1/namespaces/alpha/deployments', expect: denied },
      { name: 'get project', method: 'GET', path: '/apis/project.openshift.io/v1/projects/alpha', expect: [403, 404] },
      { name: 'get namespace', method: 'GET', path: '/api/v1/namespaces/alpha', expect: denied },
      { name: 'streams of all projects', method: 'GET', path: `${image}/imagestreams`, expect: denied },
      { name: 'istags of all projects', method: 'GET', path: `${image}/imagestreamtags`, expect: denied },
      { name: 'list images', method: 'GET', path: `${image}/images`, expect: denied },
      { name: 'get image', method: 'GET', path: `${image}/images/${digest}`, expect: denied },
      {
        name: 'create image',
        method: 'POST',
        path: `${image}/images`,
        body: { metadata: { name: `sha256:${'ab'.repeat(32)}` }, dockerImageReference: 'x' },
        expect: [403, 405],
      },
      // From the attacker's own project, aimed at the victim's content.
      {
        name: 'istag from victim',
        method: 'POST',
        path: `${image}/namespaces/beta/imagestreamtags`,
        body: { metadata: { name: 'own:stolen' }, tag: { from: { kind: 'ImageStreamTag', namespace: 'alpha', name: 'app:v1' } } },
        expect: denied,
      },
      {
        name: 'spec tag from victim image',
        method: 'POST',
        path: `${image}/namespaces/beta/imagestreams`,
        body: { metadata: { name: 'thief' }, spec: { tags: [{ name: 'x', from: { kind: 'ImageStreamImage', namespace: 'alpha', name: `app@${digest}` } }] } },
        expect: denied,
      },
      {
        name: 'mapping of victim digest',
        method: 'POST',
        path: `${image}/namespaces/beta/imagestreammappings`,
        body: { metadata: { name: 'own' }, image: { metadata: { name: digest }, dockerImageReference: `${host}/alpha/app@${digest}` }, tag: 'stolen' },
        expect: [422],
      },
      {
        name: 'status write naming victim digest',
        method: 'PUT',
        path: `${image}/namespaces/beta/imagestreams/own/status`,
        body: { metadata: { name: 'own' }, spec: {}, status: { tags: [forgedEvent] } },
        expect: denied,
      },
      {
        name: 'status patch naming victim digest',
        method: 'PATCH',
        path: `${image}/namespaces/beta/imagestreams/own/status`,
        body: { status: { tags: [forgedEvent] } },
        contentType: 'application/merge-patch+json',
        expect: denied,
      },
      // The registry.
      { name: 'manifest by tag', method: 'GET', path: '/v2/alpha/app/manifests/v1', expect: denied },
      { name: 'manifest by digest', method: 'GET', path: `/v2/alpha/app/manifests/${digest}`, expect: denied },
      { name: 'manifest HEAD', method: 'HEAD', path: `/v2/alpha/app/manifests/${digest}`, expect: denied },
      { name: 'blob', method: 'GET', path: `/v2/alpha/app/blobs/${layer}`, expect: denied },
      { name: 'blob HEAD', method: 'HEAD', path: `/v2/alpha/app/blobs/${layer}`, expect: denied },
      { name: 'blob delete', method: 'DELETE', path: `/v2/alpha/app/blobs/${layer}`, expect: denied },
      { name: 'manifest push', method: 'PUT', path: '/v2/alpha/app/manifests/evil', body: '{}', contentType: dockerManifest, expect: denied },
      { name: 'manifest delete', method: 'DELETE', path: `/v2/alpha/app/manifests/${digest}`, expect: denied },
      { name: 'upload start', method: 'POST', path: '/v2/alpha/app/blobs/uploads/', expect: denied },
      {
        name: "victim's upload, own path",
        method: 'PATCH',
        path: `/v2/beta/own/blobs/uploads/${aliceUpload}`,
        body: 'x',
        contentType: 'application/octet-stream',
        expect: [404],
      },
      { name: "victim's upload status, own path", method: 'GET', path: `/v2/beta/own/blobs/uploads/${aliceUpload}`, expect: [404] },
      { name: "victim's upload cancel, own path", method: 'DELETE', path: `/v2/beta/own/blobs/uploads/${aliceUpload}`, expect: [404] },
      {
        name: "victim's upload, victim path",
        method: 'PATCH',
        path: `/v2/alpha/app/blobs/uploads/${aliceUpload}`,
        body: 'x',
        contentType: 'application/octet-stream',
        expect: denied,
      },
      { name: 'tag list', method: 'GET', path: '/v2/alpha/app/tags/list', expect: denied },
      { name: 'referrers', method: 'GET', path: `/v2/alpha/app/referrers/${digest}`, expect: denied },
      { name: 'catalog', method: 'GET', path: '/v2/_catalog', expect: denied },
      { name: 'victim manifest via own repository', method: 'GET', path: `/v2/beta/own/manifests/${digest}`, expect: [404] },
      { name: 'victim blob via own repository', method: 'GET', path: `/v2/beta/own/blobs/${layer}`, expect: [404] },
      { name: 'mount victim blob', method: 'POST', path: `/v2/beta/own/blobs/uploads/?mount=${layer}&from=alpha/app`, expect: [202] },
      { name: 'anonymous manifest', method: 'GET', path: '/v2/alpha/app/manifests/v1', token: 'none', expect: [401] },
      { name: 'anonymous stream', method: 'GET', path: `${alpha}/imagestreams/app`, token: 'none', expect: [401, 403] },
    ];
  };

  it('refuses every path from one project into the other', async () => {
    const wrong: string[] = [];
    const all = cases();
    for (const c of all) {
      const answer = await call(c.method, c.path, { token: c.token === 'none' ? undefined : tokens.bob, body: c.body, contentType: c.contentType });
      if (!c.expect.includes(answer.status)) wrong.push(`${c.name}: ${c.method} ${c.path} → ${answer.status} ${answer.text.slice(0, 200)}`);
      if (answer.text.includes('alice-secret') || answer.text.includes('LABEL=alpha-private')) wrong.push(`${c.name}: the answer shows the victim's data`);
    }
    console.log(`multi-tenant: ${all.length} cross-project cases, ${all.length - wrong.length} refused as expected`);
    assert.deepEqual(wrong, []);
  });

  it("leaves the victim's project as it was, and gives the attacker nothing", async () => {
    // The mount above fell back to an upload: the blob is still unknown in the attacker's repository.
    assert.equal((await call('GET', `/v2/beta/own/blobs/${layer}`, { token: tokens.bob })).status, 404);
    assert.equal((await call('GET', `${image}/namespaces/beta/imagestreamtags/own:stolen`, { token: tokens.bob })).status, 404);
    const imported = await call('POST', `${image}/namespaces/beta/imagestreamimports`, {
      token: tokens.bob,
      body: {
        metadata: { name: 'own' },
        spec: { import: true, images: [{ from: { kind: 'DockerImage', name: `${host}/alpha/app:v1` }, to: { name: 'via-registry' } }] },
      },
    });
    assert.equal(imported.status, 201, imported.text);
    assert.equal(JSON.parse(imported.text).status.images[0].status.reason, 'Forbidden', imported.text);
    assert.equal((await call('GET', `/v2/beta/own/manifests/via-registry`, { token: tokens.bob })).status, 404);
    assert.equal((await call('GET', `${image}/namespaces/alpha/imagestreams/app`, { token: tokens.alice })).text, before_.stream);
    assert.equal((await call('GET', '/api/v1/namespaces/alpha/secrets/creds', { token: tokens.alice })).text, before_.secret);
    const pulled = await call('GET', `/v2/alpha/app/blobs/${layer}`, { token: tokens.alice });
    assert.equal(pulled.text, 'layer for alpha-private');
    assert.equal((await call('GET', `/v2/alpha/app/blobs/uploads/${aliceUpload}`, { token: tokens.alice })).status, 204);
  });

  it("does not let a workload's image trigger read another project's tags until that project lets it pull", async () => {
    const deployment = (name: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name,
        annotations: {
          'image.openshift.io/triggers': JSON.stringify([
            { from: { kind: 'ImageStreamTag', name: 'app:v1', namespace: 'alpha' }, fieldPath: 'spec.template.spec.containers[?(@.name=="stolen")].image' },
            { from: { kind: 'ImageStreamTag', name: 'own:v1' }, fieldPath: 'spec.template.spec.containers[?(@.name=="own")].image' },
          ]),
        },
      },
      spec: {
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: {
            containers: [
              { name: 'stolen', image: 'placeholder' },
              { name: 'own', image: 'placeholder' },
            ],
          },
        },
      },
    });
    const images = (text: string) =>
      Object.fromEntries(JSON.parse(text).spec.template.spec.containers.map((c: { name: string; image: string }) => [c.name, c.image]));
    const deployments = '/apis/apps/v1/namespaces/beta/deployments';

    const refused = await call('POST', deployments, { token: tokens.bob, body: deployment('thief') });
    assert.equal(refused.status, 201, refused.text);
    assert.match(refused.headers.get('warning') ?? '', /image trigger on alpha\/app:v1 not followed: the service accounts of beta may not pull from alpha/);
    assert.equal(images(refused.text).stolen, 'placeholder');
    assert.match(images(refused.text).own, /^.+\/beta\/own@sha256:/, 'the same-project trigger is applied');
    assert.doesNotMatch(refused.text, new RegExp(digest));

    // A push to its own stream makes the trigger controller re-admit the whole workload: still nothing of alpha's.
    const moved = await pushOverHttp(server.url, tokens.bob, 'beta/own', 'v1', 'beta-moved');
    const followed = await fetch(`${server.url}${deployments}?watch=true&fieldSelector=metadata.name%3Dthief&timeoutSeconds=60`, {
      headers: { authorization: `Bearer ${tokens.bob}` },
    });
    let seen = '';
    for await (const chunk of followed.body!) {
      seen += Buffer.from(chunk).toString();
      if (seen.includes(moved)) break;
    }
    await followed.body?.cancel().catch(() => {});
    const after_ = await call('GET', `${deployments}/thief`, { token: tokens.bob });
    assert.match(images(after_.text).own, new RegExp(moved));
    assert.equal(images(after_.text).stolen, 'placeholder');

    // Once alpha's owner lets beta's service accounts pull, beta's workloads may follow alpha's tag.
    const alice = cliSession();
    assert.equal((await alice.run(['login', server.url, '--token', tokens.alice])).code, 0);
    const granted = await alice.run(['policy', 'add-role-to-user', 'system:image-puller', 'system:serviceaccount:beta:default', '-n', 'alpha']);
    assert.equal(granted.code, 0, granted.stderr);
    const allowed = await call('POST', deployments, { token: tokens.bob, body: deployment('friend') });
    assert.equal(allowed.status, 201, allowed.text);
    assert.equal(allowed.headers.get('warning'), null);
    assert.match(images(allowed.text).stolen, new RegExp(`/alpha/app@${digest}$`));
  });
});
