import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';

const authz = '/apis/authorization.k8s.io/v1';

const selfReview = (resourceAttributes: Record<string, string>) => ({
  apiVersion: 'authorization.k8s.io/v1',
  kind: 'SelfSubjectAccessReview',
  metadata: { creationTimestamp: null },
  spec: { resourceAttributes },
});

const subjectReview = (spec: Record<string, unknown>, kind = 'SubjectAccessReview') => ({ apiVersion: 'authorization.k8s.io/v1', kind, spec });

describe('access reviews', () => {
  let h: Harness;
  let owner: string;
  let guest: string;
  before(async () => {
    h = await startHarness();
    owner = await h.userToken('owner');
    guest = await h.userToken('guest');
    const made = await h.request('POST', '/apis/project.openshift.io/v1/projectrequests', {
      token: owner,
      body: { apiVersion: 'project.openshift.io/v1', kind: 'ProjectRequest', metadata: { name: 'shop' } },
    });
    assert.equal(made.status, 201, made.text);
  });

  it('answers a SelfSubjectAccessReview from RBAC, shaped as Kubernetes answers it', async () => {
    const allowed = await h.request('POST', `${authz}/selfsubjectaccessreviews`, {
      token: owner,
      body: selfReview({ namespace: 'shop', verb: 'create', group: 'apps', resource: 'deployments' }),
    });
    assert.equal(allowed.status, 201, allowed.text);
    assert.deepEqual(allowed.json, {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: 'shop', verb: 'create', group: 'apps', resource: 'deployments' } },
      status: { allowed: true },
    });
    const denied = await h.request('POST', `${authz}/selfsubjectaccessreviews`, {
      token: guest,
      body: selfReview({ namespace: 'shop', verb: 'create', group: 'apps', resource: 'deployments' }),
    });
    assert.equal(denied.status, 201);
    assert.deepEqual(denied.json.status, { allowed: false });
  });

  it('checks subresources and names as requests are checked: a puller may get imagestreams/layers, not update it', async () => {
    const account = await h.serviceAccountToken('shop', 'default');
    const ask = async (verb: string) =>
      (
        await h.request('POST', `${authz}/selfsubjectaccessreviews`, {
          token: account,
          body: selfReview({ namespace: 'shop', verb, group: 'image.openshift.io', resource: 'imagestreams', subresource: 'layers', name: 'app' }),
        })
      ).json.status.allowed;
    assert.equal(await ask('get'), true);
    assert.equal(await ask('update'), false);
  });

  it('answers a non-resource SelfSubjectAccessReview', async () => {
    const ask = async (token: string) =>
      (
        await h.request('POST', `${authz}/selfsubjectaccessreviews`, {
          token,
          body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { nonResourceAttributes: { path: '/metrics', verb: 'get' } } },
        })
      ).json.status.allowed;
    assert.equal(await ask(h.adminToken), true);
    assert.equal(await ask(guest), false);
  });

  it('lets cluster-admin ask about someone else, and refuses users without system:auth-delegator', async () => {
    const body = subjectReview({
      user: 'owner',
      groups: ['system:authenticated'],
      resourceAttributes: { namespace: 'shop', verb: 'delete', resource: 'secrets' },
    });
    const answered = await h.request('POST', `${authz}/subjectaccessreviews`, { body });
    assert.equal(answered.status, 201, answered.text);
    assert.equal(answered.json.status.allowed, true);
    assert.equal(answered.json.spec.user, 'owner');
    const refused = await h.request('POST', `${authz}/subjectaccessreviews`, { token: guest, body });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.kind, 'Status');
    assert.match(refused.json.message, /cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope/);
  });

  it('keeps the decisions of groups named with commas apart from those of the groups they spell', async () => {
    const bound = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'viewers-a' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'a' }],
      },
    });
    assert.equal(bound.status, 201, bound.text);
    const ask = async (groups: string[]) =>
      (
        await h.request('POST', `${authz}/subjectaccessreviews`, {
          body: subjectReview({
            user: 'someone',
            groups,
            resourceAttributes: { namespace: 'shop', verb: 'list', group: 'image.openshift.io', resource: 'imagestreams' },
          }),
        })
      ).json.status.allowed;
    assert.equal(await ask(['a,b']), false, 'no binding names the group "a,b"');
    assert.equal(await ask(['a', 'b']), true, 'group a may view, whatever was asked about "a,b" before');
  });

  it('grants the reviews to whoever holds system:auth-delegator', async () => {
    const delegate = await h.userToken('delegate');
    const bound = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'delegate' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
        subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'delegate' }],
      },
    });
    assert.equal(bound.status, 201, bound.text);
    const body = subjectReview({
      user: 'guest',
      groups: ['system:authenticated'],
      resourceAttributes: { namespace: 'shop', verb: 'get', resource: 'secrets' },
    });
    const answered = await h.request('POST', `${authz}/subjectaccessreviews`, { token: delegate, body });
    assert.equal(answered.status, 201, answered.text);
    assert.equal(answered.json.status.allowed, false);
  });

  it('answers a LocalSubjectAccessReview in its namespace, for the namespace admin, defaulting the attributes to it', async () => {
    const answered = await h.request('POST', `${authz}/namespaces/shop/localsubjectaccessreviews`, {
      token: owner,
      body: subjectReview({ user: 'owner', resourceAttributes: { verb: 'get', resource: 'secrets' } }, 'LocalSubjectAccessReview'),
    });
    assert.equal(answered.status, 201, answered.text);
    assert.equal(answered.json.kind, 'LocalSubjectAccessReview');
    assert.deepEqual(answered.json.metadata, { namespace: 'shop', creationTimestamp: null });
    assert.equal(answered.json.spec.resourceAttributes.namespace, 'shop');
    assert.equal(answered.json.status.allowed, true);
    const elsewhere = await h.request('POST', `${authz}/namespaces/shop/localsubjectaccessreviews`, {
      token: owner,
      body: subjectReview({ user: 'owner', resourceAttributes: { namespace: 'default', verb: 'get', resource: 'secrets' } }, 'LocalSubjectAccessReview'),
    });
    assert.equal(elsewhere.status, 422);
    assert.equal(elsewhere.json.details.causes[0].field, 'spec.resourceAttributes.namespace');
    const outsider = await h.request('POST', `${authz}/namespaces/shop/localsubjectaccessreviews`, {
      token: guest,
      body: subjectReview({ user: 'guest', resourceAttributes: { verb: 'get', resource: 'secrets' } }, 'LocalSubjectAccessReview'),
    });
    assert.equal(outsider.status, 403);
  });

  it('refuses reviews that ask nothing, ask two things, name nobody or carry metadata, with 422 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [subjectReview({ user: 'owner' }), 'spec.resourceAttributes'],
      [subjectReview({ user: 'owner', resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/', verb: 'get' } }), 'spec.nonResourceAttributes'],
      [subjectReview({ resourceAttributes: { verb: 'get', resource: 'pods' } }), 'spec.user'],
      [subjectReview({ user: 'owner', groups: 'admins', resourceAttributes: { verb: 'get' } }), 'spec.groups'],
      [subjectReview({ user: 'owner', resourceAttributes: { verb: 7 } }), 'spec.resourceAttributes.verb'],
      [subjectReview({ user: 'owner', extra: { scopes: 'all' }, resourceAttributes: { verb: 'get' } }), 'spec.extra'],
      [{ ...subjectReview({ user: 'owner', resourceAttributes: { verb: 'get' } }), metadata: { name: 'x' } }, 'metadata'],
    ];
    for (const [body, field] of cases) {
      const answer = await h.request('POST', `${authz}/subjectaccessreviews`, { body });
      assert.equal(answer.status, 422, `${JSON.stringify(body)}: ${answer.text}`);
      assert.equal(answer.json.kind, 'Status');
      assert.equal(answer.json.reason, 'Invalid');
      assert.ok(
        answer.json.details.causes.some((c: { field: string }) => c.field === field),
        `${JSON.stringify(body)} names ${field}: ${answer.text}`,
      );
    }
    const notJson = await h.request('POST', `${authz}/subjectaccessreviews`, { body: '{"spec":' });
    assert.equal(notJson.status, 400);
  });

  it('lists what the caller may do in a namespace (SelfSubjectRulesReview)', async () => {
    const answer = await h.request('POST', `${authz}/selfsubjectrulesreviews`, {
      token: guest,
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'shop' } },
    });
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.json.status.incomplete, false);
    assert.deepEqual(answer.json.status.nonResourceRules, []);
    assert.ok(
      answer.json.status.resourceRules.some(
        (r: { resources: string[]; verbs: string[] }) => r.resources.includes('selfsubjectaccessreviews') && r.verbs.includes('create'),
      ),
    );
    assert.ok(!answer.json.status.resourceRules.some((r: { resources: string[] }) => r.resources.includes('secrets')), 'a guest holds nothing in shop');
    const ownerRules = await h.request('POST', `${authz}/selfsubjectrulesreviews`, {
      token: owner,
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'shop' } },
    });
    assert.ok(ownerRules.json.status.resourceRules.some((r: { resources: string[] }) => r.resources.includes('secrets')));
    const noNamespace = await h.request('POST', `${authz}/selfsubjectrulesreviews`, {
      token: guest,
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: {} },
    });
    assert.equal(noNamespace.status, 400);
  });

  it('serves the reviews in discovery as create-only', async () => {
    const list = await h.request('GET', authz);
    assert.equal(list.status, 200);
    const names = list.json.resources.map((r: { name: string; verbs: string[] }) => `${r.name}:${r.verbs.join(',')}`).sort();
    assert.deepEqual(names, [
      'localsubjectaccessreviews:create',
      'selfsubjectaccessreviews:create',
      'selfsubjectrulesreviews:create',
      'subjectaccessreviews:create',
    ]);
    assert.equal((await h.request('GET', `${authz}/subjectaccessreviews`)).status, 405);
  });
});
