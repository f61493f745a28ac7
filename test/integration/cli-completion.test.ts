// `ims completion bash|zsh`, sourced into real shells: the scripts complete commands, subcommands,
// flags, the server's kinds and the names of objects, through the real `ims` on PATH.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { startServer, imsBin, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';

const run = promisify(execFile);
const zsh = findExecutable('zsh');
const zshMissing = missingPeer('zsh', zsh, 'apt-get install zsh');

describe('ims completion', () => {
  let server: RunningServer;
  const ims = cliSession();
  const env = () => ({ ...process.env, PATH: `${dirname(imsBin)}:${process.env.PATH}`, IMS_CONFIG: ims.configPath, IMS_SERVER: '', IMS_TOKEN: '' });
  /** What bash offers after `line` (the last word is the one being completed). */
  const bash = async (...words: string[]) => {
    const script = `source <(ims completion bash); COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _ims; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const { stdout } = await run('bash', ['-c', script], { env: env() });
    return stdout.split('\n').filter(Boolean);
  };
  before(async () => {
    server = await startServer();
    assert.equal((await ims.run(['login', server.url, '--token', server.adminToken])).code, 0);
    assert.equal((await ims.run(['new-project', 'shop'])).code, 0);
    for (const name of ['ruby', 'rails', 'python']) assert.equal((await ims.run(['create', 'imagestream', name])).code, 0);
  });
  after(async () => {
    await server.stop();
  });

  it('completes commands and the subcommands of a group in bash', async () => {
    const top = await bash('ims', '');
    for (const word of ['get', 'set', 'policy', 'completion', 'serve', 'explain']) assert.ok(top.includes(word), word);
    assert.ok(!top.includes('__complete'), 'the hidden helper stays hidden');
    assert.deepEqual(await bash('ims', 'pa'), ['patch']);
    assert.deepEqual(await bash('ims', 'set', ''), ['image-lookup', 'triggers']);
    assert.deepEqual(await bash('ims', 'policy', 'remove'), ['remove-role-from-group', 'remove-role-from-user']);
  });

  it("completes the server's kinds, then names of objects of that kind, in the project given", async () => {
    assert.deepEqual(await bash('ims', 'get', 'imagestreamt'), ['imagestreamtags', 'imagestreamtags.image.openshift.io']);
    assert.ok((await bash('ims', 'get', '')).includes('is'), 'short names too');
    assert.deepEqual(await bash('ims', 'get', 'is', 'r'), ['rails', 'ruby']);
    assert.deepEqual(await bash('ims', 'describe', 'is/p'), ['is/python']);
    assert.deepEqual(await bash('ims', 'get', 'sa', '-n', 'shop', 'b'), ['builder']);
    assert.deepEqual(await bash('ims', '-n', 'shop', 'get', 'sa', 'b'), ['builder'], 'global flags before the command');
    assert.deepEqual(await bash('ims', '-n', 'shop', 'se'), ['secrets', 'serve', 'set']);
    assert.ok((await bash('ims', 'get', '-n', '')).includes('shop'));
    assert.deepEqual(await bash('ims', 'get', 'is', '--show-l'), ['--show-labels']);
    assert.deepEqual(await bash('ims', 'get', 'is', '-o', 'y'), ['yaml']);
  });

  it('offers nothing, and prints no error into the prompt, without a server', async () => {
    const script = `source <(ims completion bash); COMP_WORDS=(ims get is ''); COMP_CWORD=3; _ims; echo "\${#COMPREPLY[@]}"`;
    const { stdout, stderr } = await run('bash', ['-c', script], { env: { ...env(), IMS_CONFIG: '/nonexistent/config.json' } });
    assert.equal(stdout, '0\n');
    assert.equal(stderr, '');
  });

  it('completes in zsh', { skip: zshMissing }, async () => {
    const { stdout: syntax } = await run('sh', ['-c', 'ims completion zsh | zsh -n && echo ok'], { env: env() });
    assert.equal(syntax, 'ok\n');
    // compadd and compdef exist only inside zsh's completion system: stand-ins print what would be offered.
    const script = `compdef() { :; }; compadd() { shift; print -l -- "$@"; }; source <(ims completion zsh); words=(ims get is r); CURRENT=4; _ims`;
    const { stdout } = await run(zsh!, ['-fc', script], { env: env() });
    assert.deepEqual(stdout.split('\n').filter(Boolean), ['rails', 'ruby']);
  });

  it('refuses a shell it has no script for', async () => {
    const fish = await ims.run(['completion', 'fish']);
    assert.deepEqual([fish.code, fish.stderr], [1, 'error: Unsupported shell type "fish".\n']);
  });
});
