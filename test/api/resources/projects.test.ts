import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';

describe('projects', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  const project = (name: string, metadata: Record<string, unknown> = {}) => ({
    apiVersion: 'project.openshift.io/v1',
    kind: 'Project',
    metadata: { name, ...metadata },
  });
  const create = (body: unknown, token?: string) => h.request('POST', '/apis/project.openshift.io/v1/projects', { body, token });

  it("lets a cluster admin create a project: its namespace, with the project's labels and annotations and OpenShift's defaults", async () => {
    const created = await create(project('made', { labels: { team: 'a' }, annotations: { 'openshift.io/display-name': 'Made' } }));
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.kind, 'Project');
    assert.equal(created.json.apiVersion, 'project.openshift.io/v1');
    assert.deepEqual(created.json.spec.finalizers, ['openshift.io/origin', 'kubernetes']);
    const namespace = await h.request('GET', '/api/v1/namespaces/made');
    assert.equal(namespace.json.metadata.labels.team, 'a');
    assert.equal(namespace.json.metadata.annotations['openshift.io/display-name'], 'Made');
    // No requester and no admin binding: those are what a ProjectRequest adds.
    assert.equal(namespace.json.metadata.annotations['openshift.io/requester'], undefined);
    const bindings = await h.request('GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/made/rolebindings');
    const names = bindings.json.items.map((b: { metadata: { name: string } }) => b.metadata.name);
    assert.ok(names.includes('system:image-pullers'), names.join(','));
    assert.ok(!names.includes('admin'), names.join(','));
    const accounts = await h.request('GET', '/api/v1/namespaces/made/serviceaccounts');
    assert.equal(accounts.json.items.length, 3);
    assert.equal((await h.request('GET', '/apis/project.openshift.io/v1/projects/made')).json.metadata.labels.team, 'a');
  });

  it('refuses a user who may only request projects, and creates nothing', async () => {
    const bob = await h.userToken('bob');
    const refused = await create(project('bobs'), bob);
    assert.equal(refused.status, 403);
    assert.match(refused.json.message, /cannot create resource "projects" in API group "project.openshift.io"/);
    assert.equal((await h.request('GET', '/api/v1/namespaces/bobs')).status, 404);
  });

  it("holds a new project to OpenShift's rules and answers a second one of a name with AlreadyExists", async () => {
    const short = await create(project('x'));
    assert.equal(short.status, 422);
    assert.match(short.json.message, /^Project.project.openshift.io "x" is invalid: metadata.name: Invalid value: "x": must be at least 2 characters long/);
    const tabbed = await create(project('tabbed', { annotations: { 'openshift.io/display-name': 'a\tb' } }));
    assert.equal(tabbed.status, 422);
    assert.equal(tabbed.json.details.causes[0].field, 'metadata.annotations[openshift.io/display-name]');
    assert.equal((await create(project('Upper'))).status, 422);
    for (const name of ['x', 'tabbed', 'upper']) assert.equal((await h.request('GET', `/api/v1/namespaces/${name}`)).status, 404);
    assert.equal((await create(project('twice'))).status, 201);
    const again = await create(project('twice'));
    assert.equal(again.status, 409);
    assert.equal(again.json.message, 'projects.project.openshift.io "twice" already exists');
  });
});

describe('project updates', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  const path = '/apis/project.openshift.io/v1/projects/edited';
  const merge = (body: unknown, token?: string) => h.request('PATCH', path, { body, token, contentType: 'application/merge-patch+json' });

  it("lets the project's admin change its display name and description, and nothing else", async () => {
    const alice = await h.userToken('alice');
    const requested = await h.request('POST', '/apis/project.openshift.io/v1/projectrequests', {
      token: alice,
      body: { apiVersion: 'project.openshift.io/v1', kind: 'ProjectRequest', metadata: { name: 'edited' }, displayName: 'Before' },
    });
    assert.equal(requested.status, 201, requested.text);
    const renamed = await merge({ metadata: { annotations: { 'openshift.io/display-name': 'After', 'openshift.io/description': 'now described' } } }, alice);
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.json.metadata.annotations['openshift.io/display-name'], 'After');
    const namespace = await h.request('GET', '/api/v1/namespaces/edited');
    assert.equal(namespace.json.metadata.annotations['openshift.io/description'], 'now described');
    assert.equal(namespace.json.metadata.annotations['openshift.io/requester'], 'alice');

    const requester = await merge({ metadata: { annotations: { 'openshift.io/requester': 'mallory' } } }, alice);
    assert.equal(requester.status, 422);
    assert.match(
      requester.json.message,
      /metadata\.annotations\[openshift\.io\/requester\]: Invalid value: "mallory": field is immutable, try updating the namespace/,
    );
    assert.equal((await merge({ metadata: { labels: { tier: 'gold' } } }, alice)).status, 422);
    assert.equal((await merge({ spec: { finalizers: [] } }, alice)).status, 422);
    const unchanged = await h.request('GET', '/api/v1/namespaces/edited');
    assert.equal(unchanged.json.metadata.annotations['openshift.io/requester'], 'alice');
    assert.equal(unchanged.json.metadata.labels?.tier, undefined);
    assert.deepEqual(unchanged.json.spec.finalizers, namespace.json.spec.finalizers);
  });

  it('refuses a user who is not its admin', async () => {
    const eve = await h.userToken('eve');
    assert.equal((await merge({ metadata: { annotations: { 'openshift.io/display-name': 'Eve was here' } } }, eve)).status, 403);
  });
});
