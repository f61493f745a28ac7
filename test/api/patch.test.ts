import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, mergePatch } from '../../src/api/patch.ts';
import { isAppError } from '../../src/errors.ts';

describe('patches', () => {
  it('applies RFC 7386 merge patches: null removes, objects merge, lists replace', () => {
    assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { a: null, b: { c: 9 }, l: [3] }), { b: { c: 9, d: 3 }, l: [3] });
  });

  it('merges strategic lists by their merge key and honours $patch: delete', () => {
    const target = { spec: { containers: [{ name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] }, { name: 'b', image: 'b:1' }] } };
    const patched = applyPatch(target, { spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }] }, { name: 'b', $patch: 'delete' }, { name: 'c', image: 'c:1' }] } }, 'strategic');
    assert.deepEqual(patched, { spec: { containers: [{ name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] }, { name: 'c', image: 'c:1' }] } });
  });

  it('orders a merged list by $setElementOrder and replaces lists without a merge key', () => {
    const patched = applyPatch({ containers: [{ name: 'a' }, { name: 'b' }], args: ['x'] }, { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }], args: ['y'] }, 'strategic');
    assert.deepEqual(patched, { containers: [{ name: 'b' }, { name: 'a' }], args: ['y'] });
  });

  it('applies JSON patches and refuses operations on missing paths', () => {
    assert.deepEqual(applyPatch({ a: [1, 2] }, [{ op: 'add', path: '/a/-', value: 3 }, { op: 'replace', path: '/a/0', value: 0 }, { op: 'move', from: '/a', path: '/b' }], 'json'), { b: [0, 2, 3] });
    assert.throws(() => applyPatch({}, [{ op: 'remove', path: '/nope' }], 'json'), (e) => isAppError(e, 'Invalid'));
    assert.throws(() => applyPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }], 'json'), (e) => isAppError(e, 'Invalid'));
    assert.throws(() => applyPatch({}, { op: 'add' }, 'json'), (e) => isAppError(e, 'BadRequest'));
  });
});
