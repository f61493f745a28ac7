import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hoistGlobalFlags } from '../../src/cli/main.ts';

describe('global flags before the command', () => {
  it('moves them, with their values, after the command, as oc takes them anywhere on the line', () => {
    assert.deepEqual(hoistGlobalFlags(['-n', 'demo', 'get', 'is']), ['get', 'is', '-n', 'demo']);
    assert.deepEqual(hoistGlobalFlags(['--server', 'https://h:8443', '--token=t', 'whoami', '-t']), [
      'whoami',
      '-t',
      '--server',
      'https://h:8443',
      '--token=t',
    ]);
    assert.deepEqual(hoistGlobalFlags(['--insecure-skip-tls-verify', '--namespace=x', 'get', 'sa']), [
      'get',
      'sa',
      '--insecure-skip-tls-verify',
      '--namespace=x',
    ]);
  });

  it('leaves alone what is not a global flag before the command, and --help', () => {
    assert.deepEqual(hoistGlobalFlags(['get', 'is', '-n', 'demo']), ['get', 'is', '-n', 'demo']);
    assert.deepEqual(hoistGlobalFlags(['--help']), ['--help']);
    assert.deepEqual(hoistGlobalFlags(['-o', 'json', 'get', 'is']), ['-o', 'json', 'get', 'is']);
  });
});
