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
    await h.request('POST', '/apis/project.openshift.io/v1/projectrequests', {
      token: owner,
      body: { apiVersion: 'project.openshift.io/v1', kind: 'ProjectRequest', metadata: { name: 'shop' } },
    });
  });

  it('lets a project admin grant edit, and the grant takes effect at once', async () => {
    const guest = await h.userToken('guest');
    assert.equal((await h.request('GET', '/apis/apps/v1/namespaces/shop/deployments', { token: guest })).status, 403);
    const granted = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings', {
      token: owner,
      body: binding('guest-edit', 'edit', { kind: 'User', name: 'guest' }),
    });
    assert.equal(granted.status, 201);
    assert.equal((await h.request('GET', '/apis/apps/v1/namespaces/shop/deployments', { token: guest })).status, 200);
    assert.equal((await h.request('GET', '/api/v1/namespaces/shop/secrets', { token: guest })).status, 200);
    assert.equal(
      (await h.request('GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings', { token: guest })).status,
      403,
      'edit does not cover bindings',
    );
  });

  it('does not let a project admin bind cluster-admin, or create a role with rules they lack', async () => {
    const bound = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings', {
      token: owner,
      body: binding('boss', 'cluster-admin', { kind: 'User', name: 'owner' }),
    });
    assert.equal(bound.status, 403);
    assert.equal(
      bound.json.message,
      'rolebindings.rbac.authorization.k8s.io "boss" is forbidden: user "owner" (groups=["system:authenticated" "system:authenticated:oauth"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}',
    );
    assert.deepEqual(bound.json.details, { name: 'boss', group: 'rbac.authorization.k8s.io', kind: 'rolebindings' });
    const role = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles', {
      token: owner,
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'all' },
        rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
      },
    });
    assert.equal(role.status, 403);
    assert.match(
      role.json.message,
      /^roles\.rbac\.authorization\.k8s\.io "all" is forbidden: user "owner" .* not currently held:\n\{APIGroups:\["\*"\], Resources:\["\*"\], Verbs:\["\*"\]\}$/,
    );
    const modest = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles', {
      token: owner,
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'reader' },
        rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
      },
    });
    assert.equal(modest.status, 201);
  });

  it('honours resourceNames in rules', async () => {
    const admin = h.adminToken;
    await h.request('POST', '/api/v1/namespaces/shop/secrets', { token: admin, body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'open' } } });
    await h.request('POST', '/api/v1/namespaces/shop/secrets', { token: admin, body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'closed' } } });
    await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles', {
      token: admin,
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'one-secret' },
        rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['open'], verbs: ['get'] }],
      },
    });
    await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings', {
      token: admin,
      body: binding('one', 'one-secret', { kind: 'User', name: 'narrow' }, 'Role'),
    });
    const narrow = await h.userToken('narrow');
    assert.equal((await h.request('GET', '/api/v1/namespaces/shop/secrets/open', { token: narrow })).status, 200);
    assert.equal((await h.request('GET', '/api/v1/namespaces/shop/secrets/closed', { token: narrow })).status, 403);
  });

  it('rejects a binding without a roleRef name and refuses to change a roleRef', async () => {
    const admin = h.adminToken;
    const bad = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings', {
      token: admin,
      body: { ...binding('x', '', { kind: 'User', name: 'a' }) },
    });
    assert.equal(bad.status, 422);
    const created = (
      await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings', {
        token: admin,
        body: binding('fixed', 'view', { kind: 'User', name: 'a' }),
      })
    ).json;
    const changed = await h.request('PUT', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings/fixed', {
      token: admin,
      body: { ...created, roleRef: { ...created.roleRef, name: 'edit' } },
    });
    assert.equal(changed.status, 422);
    assert.match(changed.json.message, /cannot change roleRef/);
  });

  it('lets a project admin bind admin, edit and view, which admin holds, but not a ClusterRole with permissions admin lacks', async () => {
    for (const role of ['admin', 'edit', 'view']) {
      const bound = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings', {
        token: owner,
        body: binding(`held-${role}`, role, { kind: 'User', name: 'helper' }),
      });
      assert.equal(bound.status, 201, role);
    }
    const created = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'secrets-and-nodes' },
        rules: [
          { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
          { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] },
        ],
      },
    });
    assert.equal(created.status, 201);
    const bound = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings', {
      token: owner,
      body: binding('nodes', 'secrets-and-nodes', { kind: 'User', name: 'helper' }),
    });
    assert.equal(bound.status, 403);
    assert.match(
      bound.json.message,
      /is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["nodes"\], Verbs:\["get" "list"\]\}$/,
      'only the rule admin lacks is named',
    );
  });

  describe('someone who may only write role bindings', () => {
    let delegate: string;
    const bindingsIn = '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings';
    const role = (name: string, rules: unknown[]) =>
      h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles', {
        body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name }, rules },
      });
    before(async () => {
      delegate = await h.userToken('delegate');
      await role('binding-writer', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['get', 'create', 'update'] }]);
      await h.request('POST', bindingsIn, { body: binding('delegate-writes-bindings', 'binding-writer', { kind: 'User', name: 'delegate' }, 'Role') });
    });

    it('may not bind a role whose permissions they lack, be it a ClusterRole or a Role of the project', async () => {
      const edit = await h.request('POST', bindingsIn, { token: delegate, body: binding('delegate-edit', 'edit', { kind: 'User', name: 'delegate' }) });
      assert.equal(edit.status, 403);
      assert.match(
        edit.json.message,
        /^rolebindings\.rbac\.authorization\.k8s\.io "delegate-edit" is forbidden: user "delegate" \(groups=\["system:authenticated" "system:authenticated:oauth"\]\) is attempting to grant RBAC permissions not currently held:\n/,
      );
      assert.match(
        edit.json.message,
        /\n\{APIGroups:\[""\], Resources:\["secrets"\], Verbs:\["get" "list" "watch" "create" "update" "patch" "delete" "deletecollection"\]\}\n/,
      );
      await role('secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
      const own = await h.request('POST', bindingsIn, {
        token: delegate,
        body: binding('delegate-secrets', 'secret-reader', { kind: 'User', name: 'delegate' }, 'Role'),
      });
      assert.equal(own.status, 403);
      assert.match(own.json.message, /not currently held:\n\{APIGroups:\[""\], Resources:\["secrets"\], Verbs:\["get"\]\}$/);
      assert.equal((await h.request('GET', '/api/v1/namespaces/shop/secrets', { token: delegate })).status, 403, 'nothing was granted');
    });

    it('may bind a ClusterRole once granted `bind` on that role by name, and only that one', async () => {
      await role('bind-view', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], resourceNames: ['view'], verbs: ['bind'] }]);
      assert.equal(
        (await h.request('POST', bindingsIn, { token: delegate, body: binding('guest-view', 'view', { kind: 'User', name: 'guest' }) })).status,
        403,
      );
      await h.request('POST', bindingsIn, { body: binding('delegate-binds-view', 'bind-view', { kind: 'User', name: 'delegate' }, 'Role') });
      assert.equal(
        (await h.request('POST', bindingsIn, { token: delegate, body: binding('guest-view', 'view', { kind: 'User', name: 'guest' }) })).status,
        201,
      );
      assert.equal(
        (await h.request('POST', bindingsIn, { token: delegate, body: binding('guest-edit2', 'edit', { kind: 'User', name: 'guest' }) })).status,
        403,
      );
    });

    it('may not add subjects to an existing binding of a role whose permissions they lack', async () => {
      const created = (await h.request('POST', bindingsIn, { body: binding('editors', 'edit', { kind: 'User', name: 'guest' }) })).json;
      const widened = await h.request('PUT', `${bindingsIn}/editors`, {
        token: delegate,
        body: { ...created, subjects: [...created.subjects, { kind: 'User', name: 'delegate' }] },
      });
      assert.equal(widened.status, 403);
      assert.match(
        widened.json.message,
        /^rolebindings\.rbac\.authorization\.k8s\.io "editors" is forbidden: user "delegate" .* is attempting to grant RBAC permissions not currently held:\n/,
      );
      assert.deepEqual((await h.request('GET', `${bindingsIn}/editors`)).json.subjects, created.subjects);
    });

    it('may not bind a role that does not exist, unless granted `bind` on its name', async () => {
      const missingClusterRole = await h.request('POST', bindingsIn, { token: delegate, body: binding('later', 'not-yet', { kind: 'User', name: 'guest' }) });
      assert.equal(missingClusterRole.status, 404);
      assert.equal(missingClusterRole.json.message, 'clusterroles.rbac.authorization.k8s.io "not-yet" not found');
      const missingRole = await h.request('POST', bindingsIn, {
        token: delegate,
        body: binding('later-role', 'not-yet', { kind: 'User', name: 'guest' }, 'Role'),
      });
      assert.equal(missingRole.status, 404);
      assert.equal(missingRole.json.message, 'roles.rbac.authorization.k8s.io "not-yet" not found');
      await role('bind-not-yet', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], resourceNames: ['not-yet'], verbs: ['bind'] }]);
      await h.request('POST', bindingsIn, { body: binding('delegate-binds-not-yet', 'bind-not-yet', { kind: 'User', name: 'delegate' }, 'Role') });
      assert.equal((await h.request('POST', bindingsIn, { token: delegate, body: binding('later', 'not-yet', { kind: 'User', name: 'guest' }) })).status, 201);
    });
  });

  it('checks a ClusterRoleBinding against the permissions its author holds cluster-wide', async () => {
    const crbs = '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings';
    const crb = (name: string, role: string, user: string) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'User', name: user }],
    });
    await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'cluster-binding-writer' },
        rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterrolebindings'], verbs: ['create'] }],
      },
    });
    await h.request('POST', crbs, { body: crb('cluster-delegate-writes', 'cluster-binding-writer', 'cluster-delegate') });
    const clusterDelegate = await h.userToken('cluster-delegate');
    const refused = await h.request('POST', crbs, { token: clusterDelegate, body: crb('everyone-views', 'view', 'guest') });
    assert.equal(refused.status, 403);
    assert.match(
      refused.json.message,
      /^clusterrolebindings\.rbac\.authorization\.k8s\.io "everyone-views" is forbidden: user "cluster-delegate" .* not currently held:\n\{APIGroups:\[""\], Resources:\["configmaps"\], Verbs:\["get" "list" "watch"\]\}\n/,
    );
    const bindSelfProvisioner = await h.request('POST', crbs, { token: clusterDelegate, body: crb('guest-provisions', 'self-provisioner', 'guest') });
    assert.equal(bindSelfProvisioner.status, 201, 'an OAuth user holds self-provisioner through the bootstrap binding, so may pass it on');
  });

  it('rewrites the built-in cluster roles on every start', async () => {
    const roles = await h.request('GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles');
    const names = roles.json.items.map((r: { metadata: { name: string } }) => r.metadata.name);
    for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:image-puller', 'system:image-pusher', 'system:image-builder'])
      assert.ok(names.includes(name), name);
    const pusher = roles.json.items.find((r: { metadata: { name: string } }) => r.metadata.name === 'system:image-pusher');
    assert.deepEqual(pusher.rules[0].verbs, ['get', 'update']);
    const builder = roles.json.items.find((r: { metadata: { name: string } }) => r.metadata.name === 'system:image-builder');
    assert.ok(builder.rules.some((r: { resources: string[]; verbs: string[] }) => r.resources.includes('imagestreams') && r.verbs.includes('create')));
  });
});
