import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';

describe('projects and project requests', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  const newProject = (token: string, name: string, extra: Record<string, unknown> = {}) =>
    h.request('POST', '/apis/project.openshift.io/v1/projectrequests', {
      token,
      body: { apiVersion: 'project.openshift.io/v1', kind: 'ProjectRequest', metadata: { name }, ...extra },
    });

  it("lets a logged-in user create a project and makes them its admin, with OpenShift's default accounts and bindings", async () => {
    const alice = await h.userToken('alice');
    const created = await newProject(alice, 'alpha', { displayName: 'Alpha', description: 'first' });
    assert.equal(created.status, 201);
    assert.equal(created.json.kind, 'Project');
    assert.equal(created.json.metadata.annotations['openshift.io/requester'], 'alice');
    assert.equal(created.json.metadata.annotations['openshift.io/display-name'], 'Alpha');
    const accounts = await h.request('GET', '/api/v1/namespaces/alpha/serviceaccounts', { token: alice });
    assert.deepEqual(
      accounts.json.items.map((a: { metadata: { name: string } }) => a.metadata.name),
      ['builder', 'default', 'deployer'],
    );
    const bindings = await h.request('GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/alpha/rolebindings', { token: alice });
    const byName = Object.fromEntries(bindings.json.items.map((b: { metadata: { name: string } }) => [b.metadata.name, b]));
    assert.deepEqual(
      byName.admin.subjects.map((s: { name: string }) => s.name),
      ['alice'],
    );
    assert.equal(byName['system:image-pullers'].subjects[0].name, 'system:serviceaccounts:alpha');
    assert.equal(byName['system:image-builders'].roleRef.name, 'system:image-builder');
    assert.equal(byName['system:deployers'].subjects[0].name, 'deployer');
    assert.equal(
      (await h.request('POST', '/api/v1/namespaces/alpha/secrets', { token: alice, body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } } }))
        .status,
      201,
    );
  });

  it("keeps projects apart: a user neither sees nor reads another user's project", async () => {
    const carol = await h.userToken('carol');
    const dave = await h.userToken('dave');
    await newProject(carol, 'carols');
    await newProject(dave, 'daves');
    const list = await h.request('GET', '/apis/project.openshift.io/v1/projects', { token: carol });
    assert.deepEqual(
      list.json.items.map((p: { metadata: { name: string } }) => p.metadata.name),
      ['carols'],
    );
    const peek = await h.request('GET', '/api/v1/namespaces/daves/secrets', { token: carol });
    assert.equal(peek.status, 403);
    assert.equal((await h.request('GET', '/apis/project.openshift.io/v1/projects/daves', { token: carol })).status, 403);
  });

  it('refuses an existing name, a bad name and reserved prefixes', async () => {
    const erin = await h.userToken('erin');
    await newProject(erin, 'taken');
    const again = await newProject(erin, 'taken');
    assert.equal(again.status, 409);
    assert.equal(again.json.message, 'projects.project.openshift.io "taken" already exists');
    assert.equal((await newProject(erin, 'Not_A_Label')).status, 422);
    const reserved = await newProject(erin, 'openshift-x');
    assert.equal(reserved.status, 403);
    assert.equal(reserved.json.message, 'cannot request a project starting with "openshift-"');
  });

  it('deletes a project with everything in it', async () => {
    const frank = await h.userToken('frank');
    await newProject(frank, 'doomed');
    await h.request('POST', '/api/v1/namespaces/doomed/secrets', { token: frank, body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } } });
    const deleted = await h.request('DELETE', '/apis/project.openshift.io/v1/projects/doomed', { token: frank });
    assert.equal(deleted.status, 200);
    assert.equal((await h.request('GET', '/api/v1/namespaces/doomed')).status, 404);
    assert.equal((await h.request('GET', '/api/v1/namespaces/doomed/secrets/s')).status, 404);
    assert.equal((await h.request('GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/doomed/rolebindings')).json.items.length, 0);
  });

  it('does not let service accounts create projects', async () => {
    const token = await h.serviceAccountToken('default', 'default');
    assert.equal((await newProject(token, 'by-sa')).status, 403);
  });
});
