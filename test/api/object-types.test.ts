import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/api-harness.ts';

const secrets = '/api/v1/namespaces/default/secrets';

describe('the JSON types every object shares', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  it('refuses metadata that is no object with 400, on create, update and patch', async () => {
    for (const metadata of ['x', 5, [1], true]) {
      const created = await h.request('POST', secrets, { body: { apiVersion: 'v1', kind: 'Secret', metadata } });
      assert.equal(created.status, 400, JSON.stringify(metadata));
      assert.match(created.json.message, /^metadata must be an object, not (a string|a number|a list|a boolean)$/);
    }
    await h.request('POST', secrets, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'typed' } } });
    const updated = await h.request('PUT', `${secrets}/typed`, { body: { apiVersion: 'v1', kind: 'Secret', metadata: 'typed' } });
    assert.equal(updated.status, 400);
    const patched = await h.request('PATCH', `${secrets}/typed`, { body: { metadata: 'x' }, contentType: 'application/merge-patch+json' });
    assert.equal(patched.status, 400);
    assert.equal(patched.json.message, 'metadata must be an object, not a string');
  });

  it('refuses metadata fields of the wrong type with 400 naming the field', async () => {
    const cases: [string, unknown, string][] = [
      ['name', 5, 'metadata.name must be a string, not a number'],
      ['generateName', ['a'], 'metadata.generateName must be a string, not a list'],
      ['resourceVersion', 7, 'metadata.resourceVersion must be a string, not a number'],
      ['finalizers', 'x', 'metadata.finalizers must be a list of strings, not a string'],
      ['generation', 1.5, 'metadata.generation must be an integer, not a number'],
      ['ownerReferences', [5], 'metadata.ownerReferences must be a list of objects, not a list'],
    ];
    for (const [field, value, message] of cases) {
      const answer = await h.request('POST', secrets, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'fields', [field]: value } } });
      assert.equal(answer.status, 400, field);
      assert.equal(answer.json.message, message);
    }
  });

  it('refuses a spec that is no object with 400', async () => {
    const answer = await h.request('POST', '/apis/image.openshift.io/v1/namespaces/default/imagestreams', {
      body: { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name: 'specless' }, spec: 'latest' },
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.json.message, 'spec must be an object, not a string');
    assert.equal((await h.request('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreams/specless')).status, 404);
  });
});
