import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonSyntaxProblem } from '../../src/lib/json-syntax-error.ts';

const problemOf = (text: string) => {
  try {
    JSON.parse(text);
  } catch (error) {
    return jsonSyntaxProblem(error);
  }
  throw new Error(`${text} parsed`);
};

describe('jsonSyntaxProblem', () => {
  it('says where the text goes wrong in the grammar’s words', () => {
    assert.equal(problemOf('{"password":"hunter2" x}'), "expected ',' or '}' after property value at position 22 (line 1 column 23)");
    assert.equal(problemOf('{"a":"hunter2'), 'unterminated string at position 13 (line 1 column 14)');
    assert.equal(problemOf('{"a":'), 'unexpected end of JSON input');
    assert.equal(problemOf('[1] hunter2'), 'unexpected text after the JSON value at position 4 (line 1 column 5)');
  });

  it('never quotes the text, where V8 would', () => {
    for (const text of ['hunter2', '{"password": hunter2}', `{"a":"${'x'.repeat(40)}", "b": hunter2}`]) {
      const problem = problemOf(text);
      assert.doesNotMatch(problem, /hunter|xxx|password/);
    }
    assert.equal(jsonSyntaxProblem(new Error('Unexpected token \'h\', "hunter2" is not valid JSON')), 'unexpected character');
    assert.equal(jsonSyntaxProblem('not an error'), 'unexpected character');
  });
});
