import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';
import { pushImage, registryRequest } from '../../support/registry-client.ts';

describe('service account tokens', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await pushImage(h, 'default/app', 'v1');
  });

  const accounts = '/api/v1/namespaces/default/serviceaccounts';
  const requestToken = async (name: string) =>
    (await h.request('POST', `${accounts}/${name}/token`, { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} } })).json.status
      .token as string;
  const whoAmI = (token: string) => h.request('GET', '/apis/user.openshift.io/v1/users/~', { token });
  const basic = (token: string) => `Basic ${Buffer.from(`ci:${token}`).toString('base64')}`;
  const registryBase = (token: string) => registryRequest(h, 'GET', '/v2/', { token: null, headers: { authorization: basic(token) } });
  /** The registry's cached manifest answer, which the server gives before building a Request. */
  const fastPull = (token: string) => h.server.fastPath('GET', '/v2/default/app/manifests/v1', basic(token), 'fast');

  it("does not revive a deleted account's token when an account of the same name is created, on the API or the registry", async () => {
    await h.request('POST', accounts, { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'ci' } } });
    const old = await requestToken('ci');
    // Used once on each face first, so the token and RBAC caches hold it when the account goes.
    assert.equal((await whoAmI(old)).status, 200);
    assert.equal((await registryBase(old)).status, 200);
    assert.equal((await registryRequest(h, 'GET', '/v2/default/app/manifests/v1', { token: old })).status, 200);
    assert.equal((await fastPull(old))?.status, 200, 'the manifest answer is cached for this caller');

    assert.equal((await h.request('DELETE', `${accounts}/ci`)).status, 200);
    assert.equal((await whoAmI(old)).status, 401, 'refused at once after the delete');
    assert.equal((await registryBase(old)).status, 401);

    assert.equal((await h.request('POST', accounts, { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'ci' } } })).status, 201);
    assert.equal((await whoAmI(old)).status, 401, "the new account does not take the old one's tokens");
    const registry = await registryBase(old);
    assert.equal(registry.status, 401);
    assert.equal(registry.json.errors[0].code, 'UNAUTHORIZED');
    assert.equal(await fastPull(old), undefined, 'no cached manifest answer for it: the full path refuses it');
    assert.equal((await registryRequest(h, 'GET', '/v2/default/app/manifests/v1', { token: old })).status, 401);

    const fresh = await requestToken('ci');
    assert.equal((await whoAmI(fresh)).json.metadata.name, 'system:serviceaccount:default:ci', 'the new account gets tokens of its own');
    assert.equal((await registryBase(fresh)).status, 200);
  });
});

describe('token requests', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  it('refuses an expirationSeconds of the wrong type with 400, as Kubernetes decodes a TokenRequest, and issues none', async () => {
    const asked = await h.request('POST', '/api/v1/namespaces/default/serviceaccounts/default/token', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: '3600' } },
    });
    assert.equal(asked.status, 400, asked.text);
    assert.equal(
      asked.json.message,
      'TokenRequest in version "v1" cannot be handled as a TokenRequest: json: cannot unmarshal string into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64',
    );
    assert.equal(asked.json.status, 'Failure');
    const fine = await h.request('POST', '/api/v1/namespaces/default/serviceaccounts/default/token', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600, audiences: null } },
    });
    assert.equal(fine.status, 201, fine.text);
  });
});
