import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/api-harness.ts';

const secret = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, ...extra });

describe('API face', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  describe('authentication and authorization', () => {
    it('answers 401 Unauthorized without a token and with an unknown one', async () => {
      for (const token of [null, 'sha256~not-a-real-token', 'garbage']) {
        const answer = await h.request('GET', '/api/v1/namespaces', { token });
        assert.equal(answer.status, 401);
        assert.equal(answer.json.kind, 'Status');
        assert.equal(answer.json.reason, 'Unauthorized');
      }
    });

    it('serves /version without a token, for kubectl', async () => {
      const answer = await h.request('GET', '/version', { token: null });
      assert.equal(answer.status, 200);
      assert.equal(answer.json.major, '1');
      assert.match(answer.json.minor, /^\d+$/);
    });

    it('words a denial as Kubernetes does', async () => {
      const token = await h.userToken('eve');
      const get = await h.request('GET', '/api/v1/namespaces/default/secrets/x', { token });
      assert.equal(get.status, 403);
      assert.equal(get.json.reason, 'Forbidden');
      assert.equal(get.json.message, 'secrets "x" is forbidden: User "eve" cannot get resource "secrets" in API group "" in the namespace "default"');
      const list = await h.request('GET', '/api/v1/namespaces', { token });
      assert.equal(list.json.message, 'namespaces is forbidden: User "eve" cannot list resource "namespaces" in API group "" at the cluster scope');
      const sub = await h.request('PUT', '/apis/apps/v1/namespaces/default/deployments/d/status', { token, body: {} });
      assert.match(sub.json.message, /cannot update resource "deployments\/status" in API group "apps" in the namespace "default"$/);
    });

    it('lets any logged-in user read users/~ and nothing else by default', async () => {
      const token = await h.userToken('bob');
      const me = await h.request('GET', '/apis/user.openshift.io/v1/users/~', { token });
      assert.equal(me.status, 200);
      assert.equal(me.json.metadata.name, 'bob');
      assert.equal((await h.request('GET', '/apis/user.openshift.io/v1/users/admin', { token })).status, 403);
    });
  });

  describe('bad input', () => {
    it('answers malformed JSON with 400 and the position of the problem, storing nothing', async () => {
      const answer = await h.request('POST', '/api/v1/namespaces/default/secrets', { body: '{"metadata": {"name": "x",}}' });
      assert.equal(answer.status, 400);
      assert.equal(answer.json.reason, 'BadRequest');
      assert.match(answer.json.message, /not valid JSON: .*position 26/);
      assert.equal((await h.request('GET', '/api/v1/namespaces/default/secrets/x')).status, 404);
    });

    it('accepts YAML bodies and reports YAML errors with line and column', async () => {
      const good = await h.request('POST', '/api/v1/namespaces/default/secrets', {
        body: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: from-yaml\nstringData:\n  a: b\n',
        contentType: 'application/yaml',
      });
      assert.equal(good.status, 201);
      assert.deepEqual(good.json.data, { a: Buffer.from('b').toString('base64') });
      const bad = await h.request('POST', '/api/v1/namespaces/default/secrets', { body: 'metadata:\n  name: [unclosed\n', contentType: 'application/yaml' });
      assert.equal(bad.status, 400);
      assert.match(bad.json.message, /not valid YAML at line \d+, column \d+/);
    });

    it('answers an invalid name with 422 Invalid and a field cause', async () => {
      const answer = await h.request('POST', '/api/v1/namespaces/default/secrets', { body: secret('Bad_Name') });
      assert.equal(answer.status, 422);
      assert.equal(answer.json.reason, 'Invalid');
      assert.equal(answer.json.details.causes[0].field, 'metadata.name');
      assert.match(answer.json.message, /^Secret "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    });

    it('answers an unknown kind with 404', async () => {
      const answer = await h.request('GET', '/apis/example.com/v1/namespaces/default/widgets');
      assert.equal(answer.status, 404);
      assert.equal(answer.json.message, 'the server could not find the requested resource');
    });

    it('answers a body of the wrong apiVersion or kind with 400', async () => {
      const version = await h.request('POST', '/api/v1/namespaces/default/secrets', { body: { ...secret('v'), apiVersion: 'apps/v1' } });
      assert.equal(version.status, 400);
      assert.equal(version.json.message, 'the API version in the data (apps/v1) does not match the expected API version (v1)');
      const kind = await h.request('POST', '/api/v1/namespaces/default/secrets', { body: { ...secret('k'), kind: 'ConfigMap' } });
      assert.equal(kind.status, 400);
    });

    it('answers a namespace that differs from the URL with 400', async () => {
      const answer = await h.request('POST', '/api/v1/namespaces/default/secrets', { body: { ...secret('n'), metadata: { name: 'n', namespace: 'other' } } });
      assert.equal(answer.status, 400);
      assert.equal(answer.json.message, 'the namespace of the provided object does not match the namespace sent on the request');
    });

    it('refuses a body over 3 MiB with 413 and stores nothing', async () => {
      const big = secret('big', { data: { blob: Buffer.alloc(3 * 1024 * 1024).toString('base64') } });
      const answer = await h.request('POST', '/api/v1/namespaces/default/secrets', { body: big });
      assert.equal(answer.status, 413);
      assert.equal(answer.json.reason, 'RequestEntityTooLarge');
      assert.equal((await h.request('GET', '/api/v1/namespaces/default/secrets/big')).status, 404);
    });

    it('refuses unknown fields with fieldValidation=Strict and warns about them by default', async () => {
      const strict = await h.request('POST', '/api/v1/namespaces/default/secrets?fieldValidation=Strict', { body: secret('strict', { spec: {} }) });
      assert.equal(strict.status, 400);
      assert.equal(strict.json.message, 'Secret in version "v1" cannot be handled as a Secret: strict decoding error: unknown field "spec"');
      const warned = await h.request('POST', '/api/v1/namespaces/default/secrets', { body: secret('warned', { spec: {} }) });
      assert.equal(warned.status, 201);
      assert.match(warned.headers.get('warning') ?? '', /unknown field \\"spec\\"/);
    });

    it('refuses dryRun values other than All with 400 instead of writing', async () => {
      for (const value of ['true', 'Some', '']) {
        const answer = await h.request('POST', `/api/v1/namespaces/default/secrets?dryRun=${value}`, { body: secret(`dry-${value.length}`) });
        assert.equal(answer.status, 400, value);
        assert.equal(answer.json.message, `dryRun may only be All, not "${value}"`);
      }
      assert.equal((await h.request('GET', '/api/v1/namespaces/default/secrets/dry-4')).status, 404);
    });

    it('refuses a watch timeoutSeconds that is not a whole number with 400', async () => {
      for (const value of ['abc', '-5', '1.5']) {
        const answer = await h.request('GET', `/api/v1/namespaces/default/secrets?watch=true&timeoutSeconds=${value}`);
        assert.equal(answer.status, 400, value);
        assert.equal(answer.json.message, `invalid timeoutSeconds "${value}": it must be a whole number of seconds`);
      }
    });

    it('answers an object with 150,000 problems with a short 422 instead of a 500', async () => {
      const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'broken' }, rules: Array(150_000).fill({}) };
      const answer = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', { body: role });
      assert.equal(answer.status, 422);
      assert.equal(answer.json.details.causes.length, 100);
      assert.match(answer.json.message, /^Role.rbac.authorization.k8s.io "broken" is invalid: rules\[0\]\.verbs: .*, and \d+ more$/);
      assert.ok(answer.text.length < 50_000, `the answer has ${answer.text.length} bytes`);
    });

    it('refuses to create in a namespace that does not exist', async () => {
      const answer = await h.request('POST', '/api/v1/namespaces/nowhere/secrets', { body: secret('x') });
      assert.equal(answer.status, 404);
      assert.equal(answer.json.message, 'namespaces "nowhere" not found');
    });
  });

  describe('discovery for kubectl', () => {
    it('serves legacy discovery documents', async () => {
      const api = await h.request('GET', '/api');
      assert.deepEqual(api.json.versions, ['v1']);
      const groups = await h.request('GET', '/apis');
      assert.ok(groups.json.groups.some((g: { name: string }) => g.name === 'apps'));
      const core = await h.request('GET', '/api/v1');
      const secrets = core.json.resources.find((r: { name: string }) => r.name === 'secrets');
      assert.equal(secrets.kind, 'Secret');
      assert.equal(secrets.namespaced, true);
      assert.ok(core.json.resources.some((r: { name: string }) => r.name === 'serviceaccounts/token'));
      const apps = await h.request('GET', '/apis/apps/v1');
      assert.deepEqual(apps.json.resources.find((r: { name: string }) => r.name === 'deployments').shortNames, ['deploy']);
    });

    it('serves aggregated discovery when asked for it', async () => {
      const answer = await h.request('GET', '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
      assert.equal(answer.headers.get('content-type'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
      assert.equal(answer.json.kind, 'APIGroupDiscoveryList');
      const rbac = answer.json.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'rbac.authorization.k8s.io');
      assert.ok(rbac.versions[0].resources.some((r: { resource: string; scope: string }) => r.resource === 'clusterroles' && r.scope === 'Cluster'));
    });

    it('serves OpenAPI v3 with the group-version-kind and fieldValidation on PATCH', async () => {
      const root = await h.request('GET', '/openapi/v3');
      const url = root.json.paths['apis/apps/v1'].serverRelativeURL;
      const document = await h.request('GET', url);
      const patch = document.json.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
      assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
      assert.ok(patch.parameters.some((p: { name: string }) => p.name === 'fieldValidation'));
    });

    it("answers Table requests with the kind's columns", async () => {
      const table = await h.request('GET', '/api/v1/namespaces/default/serviceaccounts', {
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
      });
      assert.equal(table.json.kind, 'Table');
      assert.deepEqual(
        table.json.columnDefinitions.map((c: { name: string }) => c.name),
        ['Name', 'Secrets', 'Age'],
      );
      assert.deepEqual(
        table.json.rows.map((r: { cells: unknown[] }) => r.cells[0]),
        ['builder', 'default', 'deployer'],
      );
    });
  });
});
