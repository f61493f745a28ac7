import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/api-harness.ts';

const secrets = '/api/v1/namespaces/default/secrets';
const secret = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, color: 'blue' }, stringData: { a: 'b' }, bogus: { x: 1 } });

describe('unknown fields of built-in kinds', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  it('drops them with a warning by default, and never stores them', async () => {
    const created = await h.request('POST', secrets, { body: secret('warned') });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('warning'), '299 - "unknown field \\"bogus\\"", 299 - "unknown field \\"metadata.color\\""');
    const stored = await h.request('GET', `${secrets}/warned`);
    assert.equal(stored.json.bogus, undefined);
    assert.equal(stored.json.metadata.color, undefined);
    assert.deepEqual(stored.json.data, { a: 'Yg==' });
  });

  it('drops them silently with fieldValidation=Ignore', async () => {
    const created = await h.request('POST', `${secrets}?fieldValidation=Ignore`, { body: secret('ignored') });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('warning'), null);
    assert.equal((await h.request('GET', `${secrets}/ignored`)).json.bogus, undefined);
  });

  it('refuses them with fieldValidation=Strict, in metadata too, and in what a patch adds', async () => {
    const strict = await h.request('POST', `${secrets}?fieldValidation=Strict`, { body: { ...secret('strict'), bogus: undefined } });
    assert.equal(strict.status, 400);
    assert.equal(strict.json.message, 'strict decoding error: unknown field "metadata.color"');
    await h.request('POST', secrets, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'patched' } } });
    const patched = await h.request('PATCH', `${secrets}/patched?fieldValidation=Strict`, { body: { spec: { replicas: 1 } }, contentType: 'application/merge-patch+json' });
    assert.equal(patched.status, 400);
    assert.equal(patched.json.message, 'strict decoding error: unknown field "spec"');
  });
});
