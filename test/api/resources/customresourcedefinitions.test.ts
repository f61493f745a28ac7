import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';

const crds = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const rbac = '/apis/rbac.authorization.k8s.io/v1';

describe('customresourcedefinitions', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  it('is discovered as a read-only, cluster-scoped resource of apiextensions.k8s.io/v1', async () => {
    const resources = (await h.request('GET', '/apis/apiextensions.k8s.io/v1')).json.resources;
    assert.deepEqual(
      resources.map((r: Record<string, unknown>) => [r.name, r.kind, r.namespaced, r.verbs]),
      [['customresourcedefinitions', 'CustomResourceDefinition', false, ['get', 'list', 'watch']]],
    );
    const groups = (await h.request('GET', '/apis')).json.groups.map((g: { name: string }) => g.name);
    assert.ok(groups.includes('apiextensions.k8s.io'));
  });

  it('lists none, finds none, and keeps a watch open without an event until it times out', async () => {
    const list = await h.request('GET', crds);
    assert.equal(list.status, 200, list.text);
    assert.equal(list.json.kind, 'CustomResourceDefinitionList');
    assert.deepEqual(list.json.items, []);
    assert.match(list.json.metadata.resourceVersion, /^\d+$/);
    const one = await h.request('GET', `${crds}/widgets.example.com`);
    assert.equal(one.status, 404);
    assert.equal(one.json.message, 'customresourcedefinitions.apiextensions.k8s.io "widgets.example.com" not found');
    const watch = await h.request('GET', `${crds}?watch=true&timeoutSeconds=1`);
    assert.equal(watch.status, 200);
    assert.equal(watch.text, '');
  });

  it('refuses every write with 405 MethodNotAllowed, and stores nothing', async () => {
    const body = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: {} };
    for (const [method, path] of [
      ['POST', crds],
      ['PUT', `${crds}/widgets.example.com`],
      ['DELETE', `${crds}/widgets.example.com`],
      ['DELETE', crds],
    ]) {
      const answer = await h.request(method, path, { body });
      assert.equal(answer.status, 405, `${method} ${path}: ${answer.text}`);
      assert.equal(answer.json.reason, 'MethodNotAllowed');
    }
    const patched = await h.request('PATCH', `${crds}/widgets.example.com`, { body: {}, contentType: 'application/merge-patch+json' });
    assert.equal(patched.status, 405, patched.text);
    assert.deepEqual((await h.request('GET', crds)).json.items, []);
  });

  it('is authorized as any resource: a user needs a grant to list it, as in OpenShift', async () => {
    const token = await h.userToken('alice');
    const refused = await h.request('GET', crds, { token });
    assert.equal(refused.status, 403);
    assert.match(
      refused.json.message,
      /^customresourcedefinitions\.apiextensions\.k8s\.io is forbidden: User "alice" cannot list resource "customresourcedefinitions"/,
    );
    const write = await h.request('POST', crds, {
      token,
      body: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'x.y' } },
    });
    // As for every kind here, a verb the resource does not serve is refused before RBAC is asked.
    assert.equal(write.status, 405);
    const role = await h.request('POST', `${rbac}/clusterroles`, {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'crd-reader' },
        rules: [{ apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list', 'watch'] }],
      },
    });
    assert.equal(role.status, 201, role.text);
    const binding = await h.request('POST', `${rbac}/clusterrolebindings`, {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'alice-reads-crds' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'crd-reader' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
      },
    });
    assert.equal(binding.status, 201, binding.text);
    const granted = await h.request('GET', crds, { token });
    assert.equal(granted.status, 200, granted.text);
    assert.deepEqual(granted.json.items, []);
  });
});
