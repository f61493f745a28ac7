import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';

const receiver = (name: string, spec: unknown) => ({ apiVersion: 'image.openshift.io/v1', kind: 'ImageStreamWebhook', metadata: { name }, spec });
const path = '/apis/image.openshift.io/v1/namespaces/default/imagestreamwebhooks';

describe('imagestreamwebhooks', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  it('stores a receiver of each type with its secret reference, and lists it with its type', async () => {
    const created = await h.request('POST', path, {
      body: receiver('hub', { type: 'dockerhub', secretRef: { name: 'hub-webhook' }, registry: 'registry.example.com:5000' }),
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal(created.json.spec.registry, 'registry.example.com:5000');
    const table = await h.request('GET', path, { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
    assert.deepEqual(
      table.json.columnDefinitions.map((c: { name: string }) => c.name),
      ['Name', 'Type', 'Secret', 'Registry', 'Age'],
    );
    assert.deepEqual(table.json.rows[0].cells.slice(0, 4), ['hub', 'dockerhub', 'hub-webhook', 'registry.example.com:5000']);
  });

  it('refuses an unknown type, a missing secret reference and a registry that is not a host', async () => {
    const answer = await h.request('POST', path, { body: receiver('bad', { type: 'github', registry: 'http://evil.example.com/x' }) });
    assert.equal(answer.status, 422);
    assert.deepEqual(
      answer.json.details.causes.map((c: { field: string }) => c.field),
      ['spec.type', 'spec.secretRef.name', 'spec.registry'],
    );
    assert.equal((await h.request('POST', path, { body: receiver('empty', undefined) })).status, 422);
  });

  it('takes names that fit in a URL segment only', async () => {
    const answer = await h.request('POST', path, { body: receiver('Not.A.Label', { type: 'quay', secretRef: { name: 's' } }) });
    assert.equal(answer.status, 422);
  });
});
