import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sortByJsonPath } from '../../../src/cli/output/sort-by.ts';

describe('--sort-by', () => {
  const names = (items: { n: string }[]) => items.map((i) => i.n);

  it('orders numbers as numbers and times as times, objects without the field first', () => {
    const items = [{ n: 'ten', v: 10, t: '2024-01-02T00:00:00Z' }, { n: 'two', v: 2, t: '2024-01-10T00:00:00Z' }, { n: 'none' }];
    assert.deepEqual(names(sortByJsonPath(items, '.v', (i) => i)), ['none', 'two', 'ten']);
    assert.deepEqual(names(sortByJsonPath(items, '{.t}', (i) => i)), ['none', 'ten', 'two']);
  });

  it('says so when no object has the field', () => {
    assert.throws(() => sortByJsonPath([{ a: 1 }], 'b', (i) => i), /couldn't find any field with path "\{\.b\}"/);
  });
});
