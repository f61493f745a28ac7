import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { measureJson, measureJsonText } from '../../src/lib/json-shape.ts';

const unlimited = { maxDepth: Infinity, maxValues: Infinity, maxBytes: Infinity };
const samples: unknown[] = [
  null,
  'text',
  42.5,
  [],
  {},
  [1, [2, [3, []]], { a: { b: null } }],
  { metadata: { name: 'x', labels: { a: 'b' } }, data: { k: 'dmFsdWU=' }, list: [true, false, -1e-7, 'a,b:{c}[d]', '"quoted\\"'] },
];

describe('JSON shape', () => {
  it('counts the same depth and values in a value and in its text', () => {
    for (const sample of samples) {
      const text = JSON.stringify(sample, null, 1);
      const fromValue = measureJson(sample, unlimited);
      const fromText = measureJsonText(text, unlimited);
      assert.equal(fromText.depth, fromValue.depth, text);
      assert.equal(fromText.values, fromValue.values, text);
    }
  });

  it('estimates the serialized size of values without escapes exactly', () => {
    for (const sample of samples.filter((s) => !JSON.stringify(s).includes('\\'))) {
      assert.equal(measureJson(sample, unlimited).bytes, JSON.stringify(sample).length, JSON.stringify(sample));
    }
  });

  it('measures a value nested far deeper than the stack allows, stopping at the depth limit', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    assert.deepEqual(measureJson(deep, { ...unlimited, maxDepth: 100 }), { exceeded: 'depth', depth: 101, values: 101, bytes: 200 });
    assert.equal(measureJson(deep, unlimited).depth, 200_000);
    assert.equal(measureJsonText('['.repeat(200_000) + ']'.repeat(200_000), { maxDepth: 100, maxValues: Infinity }).exceeded, 'depth');
  });

  it('stops counting at the values or bytes limit', () => {
    const many = Array.from({ length: 1000 }, () => ({}));
    assert.equal(measureJson(many, { ...unlimited, maxValues: 10 }).exceeded, 'values');
    assert.equal(measureJson(many, { ...unlimited, maxValues: 10 }).values, 11);
    assert.equal(measureJsonText(JSON.stringify(many), { maxDepth: Infinity, maxValues: 10 }).exceeded, 'values');
    assert.equal(measureJson({ a: 'x'.repeat(100) }, { ...unlimited, maxBytes: 50 }).exceeded, 'bytes');
  });

  it('stays within its limits on text that is not JSON at all', () => {
    for (const text of ['{"a":', '"unterminated', ']]]]}}}', '{{{{', 'tru', '\\"\\'])
      assert.doesNotThrow(() => measureJsonText(text, { maxDepth: 3, maxValues: 3 }));
  });
});
