import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, type FlagSpec } from '../../src/cli/args.ts';

const specs: FlagSpec[] = [
  { name: 'namespace', short: 'n', type: 'string', help: '' },
  { name: 'confirm', type: 'bool', help: '' },
  { name: 'for', type: 'strings', help: '' },
  { name: 'output', short: 'o', type: 'string', help: '' },
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

  it('treats everything after -- as positional', () => {
    assert.deepEqual(parseArgs(['--', '--confirm'], specs).positionals, ['--confirm']);
  });
});
