import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stripComments, twoWayMergePatch } from '../../../src/cli/commands/edit.ts';

describe('edit', () => {
  it('sends only what the user changed, and null for what they removed', () => {
    const original = { metadata: { name: 'web', labels: { a: '1', b: '2' }, resourceVersion: '7' }, spec: { replicas: 1, paused: false } };
    const edited = { metadata: { name: 'web', labels: { a: '1', c: '3' }, resourceVersion: '7' }, spec: { replicas: 2, paused: false } };
    assert.deepEqual(twoWayMergePatch(original, edited), { metadata: { labels: { b: null, c: '3' } }, spec: { replicas: 2 } });
  });

  it('replaces a list that changed as a whole, and sends nothing for an unchanged object', () => {
    const original = { spec: { tags: [{ name: 'a' }, { name: 'b' }] } };
    assert.deepEqual(twoWayMergePatch(original, { spec: { tags: [{ name: 'a' }] } }), { spec: { tags: [{ name: 'a' }] } });
    assert.deepEqual(twoWayMergePatch(original, structuredClone(original)), {});
  });

  it('ignores comment lines, as kubectl reads an edited file', () => {
    assert.equal(stripComments('# header\nkind: X\n  # indented\nname: y # not a comment line\n'), 'kind: X\nname: y # not a comment line\n');
  });
});
