import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';

const authn = '/apis/authentication.k8s.io/v1';
const review = (spec: Record<string, unknown>) => ({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec });

describe('token reviews', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    const made = await h.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } });
    assert.equal(made.status, 201, made.text);
  });

  it("names the service account a token belongs to, with Kubernetes' groups, and never sends the token back", async () => {
    const token = await h.serviceAccountToken('shop', 'builder');
    const answer = await h.request('POST', `${authn}/tokenreviews`, { body: review({ token }) });
    assert.equal(answer.status, 201, answer.text);
    assert.deepEqual(answer.json, {
      kind: 'TokenReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: {},
      status: {
        authenticated: true,
        user: { username: 'system:serviceaccount:shop:builder', groups: ['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated'] },
      },
    });
    assert.ok(!answer.text.includes(token));
  });

  it('says a token it does not know is not authenticated, with an error, and echoes the audiences asked for', async () => {
    const unknown = await h.request('POST', `${authn}/tokenreviews`, { body: review({ token: 'sha256~nothing-like-it' }) });
    assert.equal(unknown.status, 201);
    assert.deepEqual(unknown.json.status, { user: {}, error: 'invalid bearer token' });
    const user = await h.userToken('alice');
    const known = await h.request('POST', `${authn}/tokenreviews`, { body: review({ token: user, audiences: ['ims'] }) });
    assert.equal(known.json.status.user.username, 'alice');
    assert.deepEqual(known.json.status.audiences, ['ims']);
  });

  it('stops naming a service account whose account was deleted', async () => {
    const token = await h.serviceAccountToken('shop', 'default');
    assert.equal((await h.request('DELETE', '/api/v1/namespaces/shop/serviceaccounts/default')).status, 200);
    const answer = await h.request('POST', `${authn}/tokenreviews`, { body: review({ token }) });
    assert.equal(answer.json.status.authenticated, undefined);
  });

  it('may be asked only by holders of create tokenreviews (system:auth-delegator), and needs a token', async () => {
    const alice = await h.userToken('alice');
    const refused = await h.request('POST', `${authn}/tokenreviews`, { token: alice, body: review({ token: alice }) });
    assert.equal(refused.status, 403);
    const empty = await h.request('POST', `${authn}/tokenreviews`, { body: review({}) });
    assert.equal(empty.status, 400);
    assert.equal(empty.json.message, 'token is required for TokenReview in authentication');
    const wrongType = await h.request('POST', `${authn}/tokenreviews`, { body: review({ token: ['a'] }) });
    assert.equal(wrongType.status, 422);
    assert.equal(wrongType.json.details.causes[0].field, 'spec.token');
  });

  it('tells anyone who they are (SelfSubjectReview, kubectl auth whoami)', async () => {
    const carol = await h.userToken('carol', ['developers']);
    const answer = await h.request('POST', `${authn}/selfsubjectreviews`, {
      token: carol,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: { creationTimestamp: null } },
    });
    assert.equal(answer.status, 201, answer.text);
    assert.deepEqual(answer.json, {
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      status: { userInfo: { username: 'carol', groups: ['developers', 'system:authenticated', 'system:authenticated:oauth'] } },
    });
    assert.equal((await h.request('POST', `${authn}/selfsubjectreviews`, { token: null, body: {} })).status, 401);
  });
});
