import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const dockerSecret = (name: string, content: string, type = 'kubernetes.io/dockerconfigjson', key = '.dockerconfigjson') => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name },
  type,
  data: { [key]: b64(content) },
});

describe('secrets', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  const create = (body: unknown) => h.request('POST', '/api/v1/namespaces/default/secrets', { body });

  it('accepts a well-formed docker config and defaults the type to Opaque otherwise', async () => {
    const good = await create(dockerSecret('pull', JSON.stringify({ auths: { 'quay.io': { username: 'u', password: 'p', auth: b64('u:p') } } })));
    assert.equal(good.status, 201);
    const plain = await create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'plain' }, stringData: { token: 'abc' } });
    assert.equal(plain.json.type, 'Opaque');
    assert.equal(plain.json.stringData, undefined);
    assert.equal(Buffer.from(plain.json.data.token, 'base64').toString(), 'abc');
  });

  it('refuses docker config content that is not a JSON object, or is missing, and takes any JSON object as Kubernetes does', async () => {
    const notJson = await create(dockerSecret('a', '{nope'));
    assert.equal(notJson.status, 422);
    assert.equal(notJson.json.details.causes[0].field, 'data[.dockerconfigjson]');
    assert.match(notJson.json.message, /invalid JSON/);
    assert.equal((await create(dockerSecret('b', JSON.stringify(['auths'])))).status, 422);
    assert.equal((await create(dockerSecret('b2', JSON.stringify({ registries: {} })))).status, 201);
    assert.equal((await create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c' }, type: 'kubernetes.io/dockerconfigjson', data: {} })).status, 422);
    // The documentation's sample config.json has an `auth` that is not base64 of user:password:
    // Kubernetes stores it; an import names the entry when it cannot use it.
    assert.equal(
      (await create(dockerSecret('d', JSON.stringify({ 'quay.io': { auth: 'bm9jb2xvbg==' } }), 'kubernetes.io/dockercfg', '.dockercfg'))).status,
      201,
    );
    assert.equal((await create(dockerSecret('e', JSON.stringify({ 'quay.io': { auth: b64('u:p') } }), 'kubernetes.io/dockercfg', '.dockercfg'))).status, 201);
  });

  it('requires a user name or password in basic-auth secrets and base64 in data', async () => {
    assert.equal((await create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ba' }, type: 'kubernetes.io/basic-auth', data: {} })).status, 422);
    assert.equal(
      (await create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ba2' }, type: 'kubernetes.io/basic-auth', stringData: { username: 'x' } })).status,
      201,
    );
    // Data that is not base64 cannot even be decoded: 400, as Kubernetes answers it.
    const raw = await create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'raw' }, data: { k: 'not base64!' } });
    assert.equal(raw.status, 400);
    assert.match(raw.json.message, /^Secret in version "v1" cannot be handled as a Secret: Secret\.data\[k\]: illegal base64 data at input byte 3$/);
  });

  it('takes base64 with line breaks, as Kubernetes decodes it, and refuses more than 1 MiB of data with 422', async () => {
    const wrapped = Buffer.from('x'.repeat(100))
      .toString('base64')
      .replace(/(.{76})/g, '$1\n');
    assert.equal((await create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'wrapped' }, data: { k: wrapped } })).status, 201);
    const exact = await create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'exact' }, data: { k: Buffer.alloc(1024 * 1024).toString('base64') } });
    assert.equal(exact.status, 201);
    const over = await create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'over' },
      data: { k: Buffer.alloc(1024 * 1024).toString('base64') },
      stringData: { one: 'x' },
    });
    assert.equal(over.status, 422);
    assert.deepEqual(
      over.json.details.causes.map((c: { field: string }) => c.field),
      ['data'],
    );
  });

  it('does not let a secret change its type', async () => {
    const created = (await create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'typed' }, stringData: { a: 'b' } })).json;
    const changed = await h.request('PUT', '/api/v1/namespaces/default/secrets/typed', { body: { ...created, type: 'kubernetes.io/basic-auth' } });
    assert.equal(changed.status, 422);
  });
});

describe('service accounts', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  it('issues a token through the token subresource that authenticates as the service account', async () => {
    const issued = await h.request('POST', '/api/v1/namespaces/default/serviceaccounts/builder/token', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } },
    });
    assert.equal(issued.status, 201);
    const token = issued.json.status.token as string;
    const me = await h.request('GET', '/apis/user.openshift.io/v1/users/~', { token });
    assert.equal(me.json.metadata.name, 'system:serviceaccount:default:builder');
    assert.equal((await h.request('GET', '/api/v1/namespaces/default/secrets', { token })).status, 403);
  });

  it('refuses tokens for a missing account and out-of-range lifetimes', async () => {
    assert.equal((await h.request('POST', '/api/v1/namespaces/default/serviceaccounts/ghost/token', { body: { spec: {} } })).status, 404);
    assert.equal(
      (await h.request('POST', '/api/v1/namespaces/default/serviceaccounts/default/token', { body: { spec: { expirationSeconds: 5 } } })).status,
      400,
    );
  });

  it('stops accepting a token once its service account is deleted', async () => {
    await h.request('POST', '/api/v1/namespaces/default/serviceaccounts', { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'temp' } } });
    const token = (await h.request('POST', '/api/v1/namespaces/default/serviceaccounts/temp/token', { body: { spec: {} } })).json.status.token;
    assert.equal((await h.request('GET', '/apis/user.openshift.io/v1/users/~', { token })).status, 200);
    await h.request('DELETE', '/api/v1/namespaces/default/serviceaccounts/temp');
    assert.equal((await h.request('GET', '/apis/user.openshift.io/v1/users/~', { token })).status, 401);
  });

  it('refuses secret references without names', async () => {
    const answer = await h.request('POST', '/api/v1/namespaces/default/serviceaccounts', {
      body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'refs' }, imagePullSecrets: [{}] },
    });
    assert.equal(answer.status, 422);
    assert.equal(answer.json.details.causes[0].field, 'imagePullSecrets[0].name');
  });
});
