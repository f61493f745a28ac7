import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { YamlBodyParser } from '../../src/api/yaml-body-parser.ts';
import { bodyLimits } from '../../src/api/body-limits.ts';
import { isAppError } from '../../src/errors.ts';

describe('YAML bodies parsed off the event loop', () => {
  const parser = new YamlBodyParser({ ...bodyLimits(3 * 1024 * 1024), yamlParseTimeoutMs: 300 });
  after(() => parser.close());

  it('reads a YAML document into its JSON value', async () => {
    assert.deepEqual(await parser.parse('metadata:\n  name: x\nlist: [1, two, {three: 3}]\nanchored: &a {k: v}\nagain: *a\n'), {
      metadata: { name: 'x' },
      list: [1, 'two', { three: 3 }],
      anchored: { k: 'v' },
      again: { k: 'v' },
    });
  });

  it('gives up on a body that parses for longer than the limit, with 413, while timers keep running', async () => {
    const slow = `list: [${Array(400_000).fill('0').join(',')}]\n`;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await assert.rejects(
      parser.parse(slow),
      (error) => isAppError(error, 'TooLarge') && /took longer than 0\.3 s to parse; send it as JSON/.test(error.message),
    );
    clearInterval(timer);
    assert.ok(ticks >= 10, `the event loop kept running (${ticks} ticks of 10 ms)`);
    assert.deepEqual(await parser.parse('still: working\n'), { still: 'working' }, 'the next body gets a fresh worker');
  });

  it('refuses aliases, nesting and values past the limits, and duplicate keys, with where they are', async () => {
    const refusal = async (text: string) => {
      const error = await parser.parse(text).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(isAppError(error), `refused: ${text.slice(0, 40)}`);
      return `${error.kind}: ${error.message}`;
    };
    assert.equal(await refusal(`base: &a x\nlist: [${Array(101).fill('*a').join(', ')}]\n`), 'BadRequest: the request body uses more than 100 YAML aliases');
    assert.equal(await refusal(`deep: ${'['.repeat(101)}${']'.repeat(101)}\n`), 'BadRequest: the request body nests objects and arrays deeper than 100 levels');
    assert.equal(await refusal(`a: 1\nb: 2\na: 3\n`), 'BadRequest: the request body is not valid YAML at line 3, column 1: duplicate key "a"');
    let laughs = 'l0: &l0 [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++)
      laughs += `l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]\n`;
    assert.match(await refusal(laughs), /^BadRequest: the request body's YAML aliases expand too much/);
    const big = `big: &b "${'x'.repeat(100_000)}"\ncopies: [${Array(40).fill('*b').join(', ')}]\n`;
    assert.equal(await refusal(big), 'TooLarge: the request body is larger than the limit of 3145728 bytes');
  });
});
