import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatFlags, parseArgs, type FlagSpec } from '../../src/cli/args.ts';

const specs: FlagSpec[] = [
  { name: 'namespace', short: 'n', type: 'string', help: '' },
  { name: 'confirm', type: 'bool', help: '' },
  { name: 'for', type: 'strings', help: '' },
  { name: 'output', short: 'o', type: 'string', help: '' },
  { name: 'export', type: 'bool', help: 'old', deprecated: 'This flag is deprecated and will be removed in future.' },
];

describe('flag parsing', () => {
  it('reads values after a space or an equals sign, short and long', () => {
    const parsed = parseArgs(['get', '-n', 'a', '--output=jsonpath={.x}', 'b', '-oyaml'], specs);
    assert.deepEqual(parsed.positionals, ['get', 'b']);
    assert.equal(parsed.strings.get('namespace'), 'a');
    assert.equal(parsed.strings.get('output'), 'yaml');
  });

  it('takes booleans bare or as =true/=false, and collects lists', () => {
    const parsed = parseArgs(['--confirm=false', '--for=pull', '--for', 'mount,pull'], specs);
    assert.equal(parsed.bools.get('confirm'), false);
    assert.deepEqual(parsed.lists.get('for'), ['pull', 'mount', 'pull']);
    assert.equal(parseArgs(['--confirm'], specs).bools.get('confirm'), true);
  });

  it('refuses unknown flags, bad booleans and missing values', () => {
    assert.throws(() => parseArgs(['--nope'], specs), /unknown flag: --nope/);
    assert.throws(() => parseArgs(['--confirm=maybe'], specs), /expected true or false/);
    assert.throws(() => parseArgs(['-n'], specs), /needs an argument/);
  });

  it('takes a deprecated flag with one warning, and leaves it out of help', () => {
    const parsed = parseArgs(['--export', '--export=false'], specs);
    assert.equal(parsed.bools.get('export'), false);
    assert.deepEqual(parsed.warnings, ['Flag --export has been deprecated, This flag is deprecated and will be removed in future.']);
    assert.deepEqual(parseArgs(['-o', 'yaml'], specs).warnings, []);
    assert.doesNotMatch(formatFlags(specs), /export/);
  });

  it('treats everything after -- as positional', () => {
    assert.deepEqual(parseArgs(['--', '--confirm'], specs).positionals, ['--confirm']);
  });
});
