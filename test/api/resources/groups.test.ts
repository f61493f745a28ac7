import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';

const groupsPath = '/apis/user.openshift.io/v1/groups';

describe('groups', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  it('gives members the rights bound to the group, and takes them away with membership', async () => {
    const dev = await h.userToken('dev');
    assert.equal((await h.request('POST', '/api/v1/namespaces', { body: { metadata: { name: 'team' } } })).status, 201);
    const binding = {
      metadata: { name: 'developers-edit' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'developers' }],
    };
    assert.equal((await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings', { body: binding })).status, 201);
    assert.equal((await h.request('GET', '/api/v1/namespaces/team/secrets', { token: dev })).status, 403);

    const created = await h.request('POST', groupsPath, {
      body: { apiVersion: 'user.openshift.io/v1', kind: 'Group', metadata: { name: 'developers' }, users: ['dev'] },
    });
    assert.equal(created.status, 201);
    assert.equal((await h.request('GET', '/api/v1/namespaces/team/secrets', { token: dev })).status, 200);
    const me = await h.request('GET', '/apis/user.openshift.io/v1/users/~', { token: dev });
    assert.ok(me.json.groups.includes('developers'));

    const group = (await h.request('GET', `${groupsPath}/developers`)).json;
    assert.equal((await h.request('PUT', `${groupsPath}/developers`, { body: { ...group, users: [] } })).status, 200);
    assert.equal((await h.request('GET', '/api/v1/namespaces/team/secrets', { token: dev })).status, 403);
  });

  it('lists groups with their members, and refuses a malformed member list', async () => {
    await h.request('POST', groupsPath, { body: { metadata: { name: 'ops' }, users: ['ann', 'bob'] } });
    const table = await h.request('GET', groupsPath, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    const row = table.json.rows.find((r: { cells: string[] }) => r.cells[0] === 'ops');
    assert.equal(row.cells[1], 'ann, bob');
    const bad = await h.request('POST', groupsPath, { body: { metadata: { name: 'bad' }, users: [''] } });
    assert.equal(bad.status, 422);
    assert.equal(bad.json.details.causes[0].field, 'users');
  });

  it('lets only those allowed manage groups', async () => {
    const someone = await h.userToken('someone');
    const denied = await h.request('POST', groupsPath, { token: someone, body: { metadata: { name: 'mine' }, users: ['someone'] } });
    assert.equal(denied.status, 403);
    assert.match(denied.json.message, /cannot create resource "groups" in API group "user.openshift.io"/);
  });
});
