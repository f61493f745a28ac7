import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/api-harness.ts';

const me = '/apis/user.openshift.io/v1/users/~';

describe('impersonation (kubectl --as)', () => {
  let h: Harness;
  let guest: string;
  before(async () => {
    h = await startHarness();
    guest = await h.userToken('guest');
    assert.equal((await h.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } })).status, 201);
  });

  it('lets cluster-admin act as a user, who then gets only what that user may do', async () => {
    const as = await h.request('GET', me, { headers: { 'impersonate-user': 'alice', 'impersonate-group': 'developers' } });
    assert.equal(as.status, 200, as.text);
    assert.equal(as.json.metadata.name, 'alice');
    assert.deepEqual(as.json.groups, ['developers']);
    const secrets = await h.request('GET', '/api/v1/namespaces/shop/secrets', { headers: { 'impersonate-user': 'alice' } });
    assert.equal(secrets.status, 403);
    assert.match(secrets.json.message, /User "alice" cannot list resource "secrets"/);
  });

  it("gives an impersonated service account its own groups, so its namespace's bindings apply", async () => {
    const headers = { 'impersonate-user': 'system:serviceaccount:shop:default' };
    const review = await h.request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      headers,
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { namespace: 'shop', verb: 'get', group: 'image.openshift.io', resource: 'imagestreams', subresource: 'layers' } },
      },
    });
    assert.equal(review.status, 201, review.text);
    assert.equal(review.json.status.allowed, true);
  });

  it('refuses callers without impersonate, and never serves the request as the caller instead', async () => {
    const refused = await h.request('GET', me, { token: guest, headers: { 'impersonate-user': 'admin' } });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.message, 'users "admin" is forbidden: User "guest" cannot impersonate resource "users" in API group "" at the cluster scope');
    const groupOnly = await h.request('GET', me, { headers: { 'impersonate-group': 'system:cluster-admins' } });
    assert.equal(groupOnly.status, 400);
  });

  it('checks each user and group the caller may impersonate', async () => {
    const role = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'impersonate-alice' },
        rules: [{ apiGroups: [''], resources: ['users'], resourceNames: ['alice'], verbs: ['impersonate'] }],
      },
    });
    assert.equal(role.status, 201, role.text);
    const binding = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'guest-impersonates-alice' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'impersonate-alice' },
        subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'guest' }],
      },
    });
    assert.equal(binding.status, 201, binding.text);
    assert.equal((await h.request('GET', me, { token: guest, headers: { 'impersonate-user': 'alice' } })).json.metadata.name, 'alice');
    assert.equal((await h.request('GET', me, { token: guest, headers: { 'impersonate-user': 'bob' } })).status, 403);
    const group = await h.request('GET', me, { token: guest, headers: { 'impersonate-user': 'alice', 'impersonate-group': 'system:cluster-admins' } });
    assert.equal(group.status, 403);
    assert.match(group.json.message, /^groups "system:cluster-admins" is forbidden/);
  });
});
