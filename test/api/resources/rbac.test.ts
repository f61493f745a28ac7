import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';

const binding = (name: string, role: string, subject: Record<string, string>, kind = 'ClusterRole') => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: role },
  subjects: [subject],
});

describe('RBAC objects', () => {
  let h: Harness;
  let owner: string;
  before(async () => {
    h = await startHarness();
    owner = await h.userToken('owner');
    await h.request('POST', '/apis/project.openshift.io/v1/projectrequests', { token: owner, body: { apiVersion: 'project.openshift.io/v1', kind: 'ProjectRequest', metadata: { name: 'shop' } } });
  });

  it('lets a project admin grant edit, and the grant takes effect at once', async () => {
    const guest = await h.userToken('guest');
    assert.equal((await h.request('GET', '/apis/apps/v1/namespaces/shop/deployments', { token: guest })).status, 403);
    const granted = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings', { token: owner, body: binding('guest-edit', 'edit', { kind: 'User', name: 'guest' }) });
    assert.equal(granted.status, 201);
    assert.equal((await h.request('GET', '/apis/apps/v1/namespaces/shop/deployments', { token: guest })).status, 200);
    assert.equal((await h.request('GET', '/api/v1/namespaces/shop/secrets', { token: guest })).status, 200);
    assert.equal((await h.request('GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings', { token: guest })).status, 403, 'edit does not cover bindings');
  });

  it('does not let a project admin bind cluster-admin, or create a role with rules they lack', async () => {
    const bound = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings', { token: owner, body: binding('boss', 'cluster-admin', { kind: 'User', name: 'owner' }) });
    assert.equal(bound.status, 403);
    assert.match(bound.json.message, /may not bind ClusterRole "cluster-admin"/);
    const role = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles', {
      token: owner,
      body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'all' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] },
    });
    assert.equal(role.status, 403);
    const modest = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles', {
      token: owner,
      body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }] },
    });
    assert.equal(modest.status, 201);
  });

  it('honours resourceNames in rules', async () => {
    const admin = h.adminToken;
    await h.request('POST', '/api/v1/namespaces/shop/secrets', { token: admin, body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'open' } } });
    await h.request('POST', '/api/v1/namespaces/shop/secrets', { token: admin, body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'closed' } } });
    await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles', {
      token: admin,
      body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'one-secret' }, rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['open'], verbs: ['get'] }] },
    });
    await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings', { token: admin, body: binding('one', 'one-secret', { kind: 'User', name: 'narrow' }, 'Role') });
    const narrow = await h.userToken('narrow');
    assert.equal((await h.request('GET', '/api/v1/namespaces/shop/secrets/open', { token: narrow })).status, 200);
    assert.equal((await h.request('GET', '/api/v1/namespaces/shop/secrets/closed', { token: narrow })).status, 403);
  });

  it('rejects a binding without a roleRef name and refuses to change a roleRef', async () => {
    const admin = h.adminToken;
    const bad = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings', { token: admin, body: { ...binding('x', '', { kind: 'User', name: 'a' }) } });
    assert.equal(bad.status, 422);
    const created = (await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings', { token: admin, body: binding('fixed', 'view', { kind: 'User', name: 'a' }) })).json;
    const changed = await h.request('PUT', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings/fixed', { token: admin, body: { ...created, roleRef: { ...created.roleRef, name: 'edit' } } });
    assert.equal(changed.status, 422);
    assert.match(changed.json.message, /cannot change roleRef/);
  });

  it('rewrites the built-in cluster roles on every start', async () => {
    const roles = await h.request('GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles');
    const names = roles.json.items.map((r: { metadata: { name: string } }) => r.metadata.name);
    for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:image-puller', 'system:image-pusher', 'system:image-builder']) assert.ok(names.includes(name), name);
    const pusher = roles.json.items.find((r: { metadata: { name: string } }) => r.metadata.name === 'system:image-pusher');
    assert.deepEqual(pusher.rules[0].verbs, ['get', 'update']);
    const builder = roles.json.items.find((r: { metadata: { name: string } }) => r.metadata.name === 'system:image-builder');
    assert.ok(builder.rules.some((r: { resources: string[]; verbs: string[] }) => r.resources.includes('imagestreams') && r.verbs.includes('create')));
  });
});
