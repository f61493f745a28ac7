import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/api-harness.ts';

const legacyStream = { apiVersion: 'v1', kind: 'ImageStream', metadata: { name: 'ruby' }, spec: { tags: [] } };
const aggregated = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

describe("OpenShift 3's legacy apiVersion: v1 of the image and project kinds", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  it('advertises one stand-in per legacy kind in /api/v1, without verbs, short names or categories', async () => {
    const list = (await h.request('GET', '/api/v1')).json;
    const standIns = list.resources.filter((r: { name: string }) => r.name.startsWith('legacy'));
    assert.deepEqual(standIns.map((r: { name: string; kind: string }) => `${r.name} ${r.kind}`).sort(), [
      'legacyimages Image',
      'legacyimagestreamimports ImageStreamImport',
      'legacyimagestreammappings ImageStreamMapping',
      'legacyimagestreams ImageStream',
      'legacyimagestreamtags ImageStreamTag',
      'legacyprojects Project',
    ]);
    for (const r of standIns) {
      assert.deepEqual(r.verbs, [], r.name);
      assert.equal(r.shortNames, undefined, r.name);
      assert.equal(r.categories, undefined, r.name);
      assert.equal(r.singularName, r.name.replace(/s$/, ''));
    }
    const discovery = (await h.request('GET', '/api', { accept: aggregated })).json;
    const core = discovery.items[0].versions[0].resources;
    const stream = core.find((r: { resource: string }) => r.resource === 'legacyimagestreams');
    assert.deepEqual(stream.responseKind, { group: '', version: 'v1', kind: 'ImageStream' });
    assert.equal(stream.scope, 'Namespaced');
    assert.deepEqual(stream.verbs, []);
    assert.equal(core.find((r: { resource: string }) => r.resource === 'legacyprojects').scope, 'Cluster');
    assert.ok(!core.some((r: { resource: string }) => r.resource === 'imagestreams'), 'the real kinds stay in their groups');
  });

  it('describes the stand-ins in the OpenAPI documents, validating on the server, so kubectl sends the object', async () => {
    const root = (await h.request('GET', '/openapi/v3')).json;
    const core = (await h.request('GET', root.paths['api/v1'].serverRelativeURL)).json;
    const patch = core.paths['/api/v1/namespaces/{namespace}/legacyimagestreams/{name}'].patch;
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'ImageStream' });
    assert.ok(patch.parameters.some((p: { name: string }) => p.name === 'fieldValidation'));
    assert.match(core.components.schemas['core.v1.ImageStream'].description, /legacy name of ImageStream, refused here: .* image\.openshift\.io\/v1/);
    const v2 = (await h.request('GET', '/openapi/v2')).json;
    assert.deepEqual(v2.paths['/api/v1/legacyprojects/{name}'].patch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Project' });
  });

  it('refuses every verb with a 400 Status naming the group, and stores nothing', async () => {
    const message =
      'ImageStream is served as image.openshift.io/v1, not v1 (OpenShift 3\'s legacy API): change "apiVersion: v1" to "apiVersion: image.openshift.io/v1", or use "ims create -f" or "ims apply -f", which map it';
    const base = '/api/v1/namespaces/default/legacyimagestreams';
    for (const [method, path, body] of [
      ['POST', base, legacyStream],
      ['GET', `${base}/ruby`, undefined],
      ['GET', base, undefined],
      ['PATCH', `${base}/ruby`, {}],
      ['PUT', `${base}/ruby`, legacyStream],
      ['DELETE', `${base}/ruby`, undefined],
    ] as const) {
      const answer = await h.request(method, path, { body, contentType: method === 'PATCH' ? 'application/merge-patch+json' : undefined });
      assert.equal(answer.status, 400, `${method} ${path}`);
      assert.equal(answer.json.kind, 'Status');
      assert.equal(answer.json.reason, 'BadRequest');
      assert.equal(answer.json.message, message);
    }
    assert.equal((await h.request('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreams/ruby')).status, 404);
    const project = await h.request('POST', '/api/v1/legacyprojects', { body: { apiVersion: 'v1', kind: 'Project', metadata: { name: 'p' } } });
    assert.equal(project.status, 400);
    assert.match(project.json.message, /^Project is served as project\.openshift\.io\/v1, not v1 .*"apiVersion: project\.openshift\.io\/v1"/);
  });

  it('authenticates and authorizes first, as the real kind: 401 without a token, 403 without the right', async () => {
    const anonymous = await h.request('POST', '/api/v1/namespaces/default/legacyimagestreams', { token: null, body: legacyStream });
    assert.equal(anonymous.status, 401);
    const eve = await h.userToken('eve');
    const denied = await h.request('POST', '/api/v1/namespaces/default/legacyimagestreams', { token: eve, body: legacyStream });
    assert.equal(denied.status, 403);
    assert.equal(
      denied.json.message,
      'imagestreams.image.openshift.io is forbidden: User "eve" cannot create resource "imagestreams" in API group "image.openshift.io" in the namespace "default"',
    );
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'eve-edit' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'eve' }],
    };
    assert.equal((await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', { body: binding })).status, 201);
    const allowed = await h.request('POST', '/api/v1/namespaces/default/legacyimagestreams', { token: eve, body: legacyStream });
    assert.equal(allowed.status, 400);
    assert.match(allowed.json.message, /^ImageStream is served as image\.openshift\.io\/v1/);
  });

  it('leaves unknown core resources a 404', async () => {
    const answer = await h.request('GET', '/api/v1/namespaces/default/legacythings');
    assert.equal(answer.status, 404);
  });
});
