import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, mergePatch } from '../../src/api/patch.ts';
import { isAppError } from '../../src/errors.ts';
import { bodyLimits } from '../../src/api/body-limits.ts';

const limits = bodyLimits(3 * 1024 * 1024);

describe('patches', () => {
  it('applies RFC 7386 merge patches: null removes, objects merge, lists replace', () => {
    assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { a: null, b: { c: 9 }, l: [3] }), { b: { c: 9, d: 3 }, l: [3] });
  });

  it('merges strategic lists by their merge key and honours $patch: delete', () => {
    const target = {
      spec: {
        containers: [
          { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] },
          { name: 'b', image: 'b:1' },
        ],
      },
    };
    const patched = applyPatch(
      target,
      {
        spec: {
          containers: [
            { name: 'a', env: [{ name: 'Y', value: '2' }] },
            { name: 'b', $patch: 'delete' },
            { name: 'c', image: 'c:1' },
          ],
        },
      },
      'strategic',
      limits,
    );
    assert.deepEqual(patched, {
      spec: {
        containers: [
          {
            name: 'a',
            image: 'a:1',
            env: [
              { name: 'X', value: '1' },
              { name: 'Y', value: '2' },
            ],
          },
          { name: 'c', image: 'c:1' },
        ],
      },
    });
  });

  it('orders a merged list by $setElementOrder and replaces lists without a merge key', () => {
    const patched = applyPatch(
      { containers: [{ name: 'a' }, { name: 'b' }], args: ['x'] },
      { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }], args: ['y'] },
      'strategic',
      limits,
    );
    assert.deepEqual(patched, { containers: [{ name: 'b' }, { name: 'a' }], args: ['y'] });
  });

  it('applies JSON patches and refuses operations on missing paths', () => {
    assert.deepEqual(
      applyPatch(
        { a: [1, 2] },
        [
          { op: 'add', path: '/a/-', value: 3 },
          { op: 'replace', path: '/a/0', value: 0 },
          { op: 'move', from: '/a', path: '/b' },
        ],
        'json',
        limits,
      ),
      { b: [0, 2, 3] },
    );
    assert.throws(
      () => applyPatch({}, [{ op: 'remove', path: '/nope' }], 'json', limits),
      (e) => isAppError(e, 'Invalid'),
    );
    assert.throws(
      () => applyPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }], 'json', limits),
      (e) => isAppError(e, 'Invalid'),
    );
    assert.throws(
      () => applyPatch({}, { op: 'add' }, 'json', limits),
      (e) => isAppError(e, 'BadRequest'),
    );
  });
});

describe('patch bounds', () => {
  const tooLarge = (e: unknown) => isAppError(e, 'TooLarge');

  it('stops copy operations that would grow the object past the body limit', () => {
    const copies = Array.from({ length: 17 }, (_, i) => ({ op: 'copy', from: '/a', path: `/a/c${i}` }));
    assert.throws(
      () => applyPatch({ a: { seed: 'x'.repeat(64) } }, copies, 'json', limits),
      (e) => tooLarge(e) && /the patched object is larger than the limit of 3145728 bytes/.test((e as Error).message),
    );
  });

  it('refuses a JSON patch of more than 1,000 operations', () => {
    const ops = Array.from({ length: 1001 }, (_, i) => ({ op: 'add', path: `/k${i}`, value: i }));
    assert.throws(
      () => applyPatch({}, ops, 'json', limits),
      (e) => tooLarge(e) && (e as Error).message === 'a JSON patch may have at most 1000 operations; this one has 1001',
    );
  });

  it('refuses a patch that would leave an object nested past 100 levels, though itself nests less', () => {
    let target: unknown = {};
    for (let i = 0; i < 60; i++) target = { d: target };
    let value: unknown = 'bottom';
    for (let i = 0; i < 50; i++) value = [value];
    const add = [{ op: 'add', path: `${'/d'.repeat(60)}/deeper`, value }];
    assert.throws(
      () => applyPatch(target, add, 'json', limits),
      (e) => isAppError(e, 'Invalid') && (e as Error).message === 'the patched object nests objects and arrays deeper than 100 levels',
    );
  });

  it('compares test values as RFC 6902 does, whatever the order of their members', () => {
    assert.deepEqual(
      applyPatch(
        { a: { x: 1, y: [1, 2] } },
        [
          { op: 'test', path: '/a', value: { y: [1, 2], x: 1 } },
          { op: 'add', path: '/ok', value: true },
        ],
        'json',
        limits,
      ),
      { a: { x: 1, y: [1, 2] }, ok: true },
    );
    assert.throws(
      () => applyPatch({ a: { x: 1, y: 2 } }, [{ op: 'test', path: '/a', value: { x: 1 } }], 'json', limits),
      (e) => isAppError(e, 'Invalid'),
    );
  });

  it('keeps "__proto__" an ordinary field instead of replacing the prototype', () => {
    const planted = JSON.parse('{"metadata": {"__proto__": {"name": "planted"}}}');
    for (const type of ['merge', 'strategic'] as const) {
      const patched = applyPatch({ metadata: {} }, planted, type, limits) as { metadata: Record<string, unknown> };
      assert.equal(Object.getPrototypeOf(patched.metadata), Object.prototype, type);
      assert.equal(patched.metadata.name, undefined, type);
      assert.deepEqual(JSON.parse(JSON.stringify(patched)), planted, type);
    }
    const added = applyPatch({ metadata: {} }, [{ op: 'add', path: '/metadata/__proto__', value: { name: 'planted' } }], 'json', limits) as {
      metadata: Record<string, unknown>;
    };
    assert.equal(added.metadata.name, undefined);
  });

  it('refuses a $deleteFromPrimitiveList that is not a list with 400', () => {
    assert.throws(
      () => applyPatch({ finalizers: ['a'] }, { '$deleteFromPrimitiveList/finalizers': 'a' }, 'strategic', limits),
      (e) => isAppError(e, 'BadRequest'),
    );
  });

  it('places each item once however often $setElementOrder names it', () => {
    const patched = applyPatch(
      { containers: [{ name: 'a', image: 'x'.repeat(100) }, { name: 'b' }] },
      { '$setElementOrder/containers': Array(1000).fill({ name: 'a' }) },
      'strategic',
      limits,
    );
    assert.deepEqual(patched, { containers: [{ name: 'a', image: 'x'.repeat(100) }, { name: 'b' }] });
  });
});
