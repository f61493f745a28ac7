import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonPatchBetween } from '../../src/cluster/json-patch-diff.ts';
import { applyJsonPatch } from '../support/json-patch-apply.ts';

describe('jsonPatchBetween', () => {
  it('changes one container image with one replace', () => {
    const before = {
      spec: {
        containers: [
          { name: 'a', image: 'x' },
          { name: 'b', image: 'y' },
        ],
      },
    };
    const after = {
      spec: {
        containers: [
          { name: 'a', image: 'x' },
          { name: 'b', image: 'z' },
        ],
      },
    };
    assert.deepEqual(jsonPatchBetween(before, after), [{ op: 'replace', path: '/spec/containers/1/image', value: 'z' }]);
  });

  it('escapes / and ~ in keys, as annotation names have them', () => {
    const before = { metadata: { annotations: { 'a~b': '1' } } };
    const after = { metadata: { annotations: { 'a~b': '1', 'imagestream.io/triggered-images': '{}' } } };
    const patch = jsonPatchBetween(before, after);
    assert.deepEqual(patch, [{ op: 'add', path: '/metadata/annotations/imagestream.io~1triggered-images', value: '{}' }]);
    assert.deepEqual(applyJsonPatch(before, patch), after);
  });

  it('adds missing parents whole, removes what went, replaces lists that changed length', () => {
    const before = { metadata: { name: 'p', gone: true }, spec: { list: [1, 2] } };
    const after = { metadata: { name: 'p', annotations: { x: 'y' } }, spec: { list: [1, 2, 3] } };
    const patch = jsonPatchBetween(before, after);
    assert.deepEqual(applyJsonPatch(before, patch), after);
    assert.deepEqual(jsonPatchBetween(after, after), []);
  });
});
