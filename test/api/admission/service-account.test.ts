import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';

const pods = '/api/v1/namespaces/default/pods';
const pod = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'web', image: 'quay.io/org/app:1' }], ...spec },
});

describe('service account admission for pods', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    const sa = (await h.request('GET', '/api/v1/namespaces/default/serviceaccounts/default')).json;
    const linked = await h.request('PUT', '/api/v1/namespaces/default/serviceaccounts/default', {
      body: { ...sa, imagePullSecrets: [{ name: 'quay-creds' }] },
    });
    assert.equal(linked.status, 200, linked.text);
  });

  it("runs a pod without a service account as default, with default's pull secrets", async () => {
    const created = await h.request('POST', pods, { body: pod('plain') });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.spec.serviceAccountName, 'default');
    assert.deepEqual(created.json.spec.imagePullSecrets, [{ name: 'quay-creds' }]);
  });

  it('keeps the pull secrets a pod names itself', async () => {
    const created = await h.request('POST', pods, { body: pod('own-secrets', { imagePullSecrets: [{ name: 'mine' }] }) });
    assert.deepEqual(created.json.spec.imagePullSecrets, [{ name: 'mine' }]);
  });

  it('refuses a pod whose service account does not exist, as Kubernetes does', async () => {
    const refused = await h.request('POST', pods, { body: pod('ghost', { serviceAccountName: 'ghost' }) });
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.json.message, 'pods "ghost" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found');
  });

  it("uses the builder account's own pull secrets for a pod that runs as builder", async () => {
    const created = await h.request('POST', pods, { body: pod('as-builder', { serviceAccountName: 'builder' }) });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.spec.imagePullSecrets, undefined);
  });
});
