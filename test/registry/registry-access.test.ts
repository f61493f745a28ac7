import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/api-harness.ts';
import { pushImage, registryRequest, sha256 } from '../support/registry-client.ts';

describe('registry access control (SPEC §8)', () => {
  let h: Harness;
  let owner: string;
  before(async () => {
    h = await startHarness();
    owner = await h.userToken('owner');
    for (const name of ['team', 'consumer'])
      await h.request('POST', '/apis/project.openshift.io/v1/projectrequests', { token: owner, body: { metadata: { name } } });
    await pushImage(h, 'team/app', 'v1', 'team', owner);
  });

  const grant = (namespace: string, name: string, role: string, subject: Record<string, string>) =>
    h.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
      token: owner,
      body: { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [subject] },
    });

  it('lets every service account of the project pull, but not push', async () => {
    const sa = await h.serviceAccountToken('team', 'default');
    assert.equal((await registryRequest(h, 'GET', '/v2/team/app/manifests/v1', { token: sa })).status, 200);
    const push = await pushImage(h, 'team/app', 'v2', 'sa', sa).catch((error: Error) => error);
    assert.ok(push instanceof Error && /403/.test(push.message), 'a blob push is denied');
  });

  it('lets the builder service account push and create new streams', async () => {
    const builder = await h.serviceAccountToken('team', 'builder');
    const pushed = await pushImage(h, 'team/built', 'latest', 'built', builder);
    assert.equal(pushed.answer.status, 201);
  });

  it('lets system:image-pusher push to an existing stream but not create one', async () => {
    await h.request('POST', '/api/v1/namespaces/team/serviceaccounts', { token: owner, body: { metadata: { name: 'ci' } } });
    await grant('team', 'ci-pusher', 'system:image-pusher', { kind: 'ServiceAccount', name: 'ci', namespace: 'team' });
    const ci = await h.serviceAccountToken('team', 'ci');
    const pushed = await pushImage(h, 'team/app', 'ci', 'ci', ci);
    assert.equal(pushed.answer.status, 201);
    // Refused at the first upload, before any bytes are stored for a repository no stream owns.
    const denied = await registryRequest(h, 'POST', `/v2/team/brand-new/blobs/uploads/?digest=${sha256('x')}`, { token: ci, body: 'x' });
    assert.equal(denied.status, 403);
    assert.match(denied.json.errors[0].message, /^CreateImageStreamMapping: denied creating ImageStream team\/brand-new/);
    assert.equal((await registryRequest(h, 'POST', '/v2/team/brand-new/blobs/uploads/', { token: ci })).status, 403);
    assert.equal((await registryRequest(h, 'POST', `/v2/team/brand-new/blobs/uploads/?mount=${pushed.layerDigest}&from=team/app`, { token: ci })).status, 403);
    assert.equal((await h.request('GET', '/apis/image.openshift.io/v1/namespaces/team/imagestreams/brand-new')).status, 404);
  });

  it('does not let system:image-pusher push by digest into a repository that has no stream', async () => {
    const ci = await h.serviceAccountToken('team', 'ci');
    const source = await pushImage(h, 'team/app', 'digest-source', 'digest', owner);
    const headers = { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' };
    const byDigest = await registryRequest(h, 'PUT', `/v2/team/no-stream/manifests/${source.digest}`, { token: ci, body: source.manifest, headers });
    assert.equal(byDigest.status, 403);
    assert.equal(byDigest.json.errors[0].code, 'DENIED');
    assert.equal((await registryRequest(h, 'GET', `/v2/team/no-stream/manifests/${source.digest}`)).status, 404);
    // Into a stream that exists, by digest, the pusher may.
    assert.equal((await registryRequest(h, 'PUT', `/v2/team/app/manifests/${source.digest}`, { token: ci, body: source.manifest, headers })).status, 201);
  });

  it('asks anonymous callers to log in and denies other projects, until a cross-project pull grant', async () => {
    const anonymous = await registryRequest(h, 'GET', '/v2/team/app/manifests/v1', { token: null });
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /scope="repository:team\/app:pull"/);
    const consumer = await h.serviceAccountToken('consumer', 'default');
    const denied = await registryRequest(h, 'GET', '/v2/team/app/manifests/v1', { token: consumer });
    assert.equal(denied.status, 403);
    assert.equal(denied.json.errors[0].code, 'DENIED');
    await grant('team', 'consumer-pull', 'system:image-puller', { kind: 'Group', name: 'system:serviceaccounts:consumer' });
    assert.equal((await registryRequest(h, 'GET', '/v2/team/app/manifests/v1', { token: consumer })).status, 200);
  });

  it('allows public pulls when system:unauthenticated may pull', async () => {
    await grant('team', 'public', 'system:image-puller', { kind: 'Group', name: 'system:unauthenticated' });
    assert.equal((await registryRequest(h, 'GET', '/v2/team/app/manifests/v1', { token: null })).status, 200);
    assert.equal((await registryRequest(h, 'GET', '/v2/team/app/manifests/v1', { token: 'anonymous' })).status, 200);
  });

  it('refuses an invalid token with 401 even where anonymous could pull', async () => {
    const answer = await registryRequest(h, 'GET', '/v2/team/app/manifests/v1', { token: 'sha256~bogus' });
    assert.equal(answer.status, 401);
    assert.equal(answer.json.errors[0].code, 'UNAUTHORIZED');
  });
});

describe('a deleted project takes its registry links along', () => {
  it('does not give a new project of the same name the old blobs', async () => {
    const h = await startHarness();
    const owner = await h.userToken('first-owner');
    await h.request('POST', '/apis/project.openshift.io/v1/projectrequests', { token: owner, body: { metadata: { name: 'reused' } } });
    const pushed = await pushImage(h, 'reused/app', 'v1', 'old', owner);
    assert.equal((await registryRequest(h, 'GET', `/v2/reused/app/blobs/${pushed.layerDigest}`, { token: owner })).status, 200);
    assert.equal((await h.request('DELETE', '/apis/project.openshift.io/v1/projects/reused', { token: owner })).status, 200);
    const next = await h.userToken('second-owner');
    assert.equal(
      (await h.request('POST', '/apis/project.openshift.io/v1/projectrequests', { token: next, body: { metadata: { name: 'reused' } } })).status,
      201,
    );
    const answer = await registryRequest(h, 'GET', `/v2/reused/app/blobs/${pushed.layerDigest}`, { token: next });
    assert.equal(answer.status, 404);
    assert.equal(answer.json.errors[0].code, 'BLOB_UNKNOWN');
    assert.equal((await registryRequest(h, 'GET', `/v2/reused/app/manifests/${pushed.digest}`, { token: next })).status, 404);
  });
});
