import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { threeWayMergePatch } from '../../../src/cli/commands/create.ts';

describe('apply three-way merge', () => {
  it('sends only what changed, and removes only what the last apply had set', () => {
    const original = { metadata: { labels: { a: '1', gone: 'x' } }, spec: { replicas: 1 } };
    const modified = { metadata: { labels: { a: '2' } }, spec: { replicas: 1 } };
    const current = { metadata: { labels: { a: '1', gone: 'x', server: 'keep' }, uid: 'u' }, spec: { replicas: 1, strategy: {} } };
    assert.deepEqual(threeWayMergePatch(original, modified, current), { metadata: { labels: { a: '2', gone: null } } });
  });

  it('is empty when the live object already matches', () => {
    assert.deepEqual(threeWayMergePatch({ a: 1 }, { a: 1 }, { a: 1, b: 2 }), {});
  });
});
