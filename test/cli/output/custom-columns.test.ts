import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCustomColumns, formatCustomColumns } from '../../../src/cli/output/custom-columns.ts';

describe('custom columns', () => {
  it('prints each column of each object, several values joined, none as <none>', () => {
    const columns = parseCustomColumns('NAME:.metadata.name,TAGS:{.spec.tags[*].name}');
    const table = formatCustomColumns(
      columns,
      [{ metadata: { name: 'ruby' }, spec: { tags: [{ name: '3.1' }, { name: '3.2' }] } }, { metadata: { name: 'x' } }],
      false,
    );
    assert.equal(table, 'NAME   TAGS\nruby   3.1,3.2\nx      <none>\n');
  });

  it('refuses a column without a header or a path', () => {
    assert.throws(() => parseCustomColumns('NAME'), /unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>/);
    assert.throws(() => parseCustomColumns(''), /no custom columns given/);
  });
});
