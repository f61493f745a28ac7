import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/api-harness.ts';

const secrets = '/api/v1/namespaces/default/secrets';
const secretJson = (name: string, extra: string) => `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"${name}"},"extra":${extra}}`;

describe('body limits through the API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  it('refuses a body nested past 100 levels with 400, as JSON or YAML, and stores nothing', async () => {
    const json = await h.request('POST', secrets, { body: secretJson('deep', '['.repeat(4000) + ']'.repeat(4000)) });
    assert.equal(json.status, 400);
    assert.equal(json.json.message, 'the request body nests objects and arrays deeper than 100 levels');
    const yaml = await h.request('POST', secrets, {
      body: `metadata:\n  name: deep\nextra: ${'['.repeat(200)}${']'.repeat(200)}\n`,
      contentType: 'application/yaml',
    });
    assert.equal(yaml.status, 400);
    assert.equal(yaml.json.message, 'the request body nests objects and arrays deeper than 100 levels');
    assert.equal((await h.request('GET', `${secrets}/deep`)).status, 404);
  });

  it('refuses a body of more than 200,000 values with 413, however few bytes it has', async () => {
    const answer = await h.request('POST', secrets, { body: secretJson('many', `[${Array(250_000).fill('0').join(',')}]`) });
    assert.equal(answer.status, 413);
    assert.equal(answer.json.reason, 'RequestEntityTooLarge');
    assert.equal(answer.json.message, 'the request body holds more than 200000 values');
    assert.equal((await h.request('GET', `${secrets}/many`)).status, 404);
  });

  it('refuses a YAML body of thousands of aliases with 400', async () => {
    const body = `metadata:\n  name: aliases\nextra:\n  base: &a {k: v}\n  list: [${Array(5000).fill('*a').join(', ')}]\n`;
    const answer = await h.request('POST', secrets, { body, contentType: 'application/yaml' });
    assert.equal(answer.status, 400);
    assert.equal(answer.json.message, 'the request body uses more than 100 YAML aliases');
  });

  it('answers a patch whose copies would grow the object past 3 MiB with 413 and stores nothing', async () => {
    await h.request('POST', secrets, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'copied', annotations: { seed: 'x'.repeat(64) } } } });
    const copies = Array.from({ length: 17 }, (_, i) => ({ op: 'copy', from: '/metadata/annotations', path: `/metadata/annotations/c${i}` }));
    const answer = await h.request('PATCH', `${secrets}/copied`, { body: copies, contentType: 'application/json-patch+json' });
    assert.equal(answer.status, 413);
    assert.equal(answer.json.message, 'the patched object is larger than the limit of 3145728 bytes');
    const stored = await h.request('GET', `${secrets}/copied`);
    assert.deepEqual(stored.json.metadata.annotations, { seed: 'x'.repeat(64) });
  });
});
