// Logging in and out as a user at a terminal: the password asked for without echo (on a real
// pseudo-terminal, through util-linux `script`), the registry credentials of `ims registry login`
// renewed and removed with the session, and a token past its age saying it expired.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { startServer, imsBin, type RunningServer } from '../support/serve-process.ts';
import { cliProcess, cliSession } from '../support/run-cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';

const scriptMissing = missingPeer('script', findExecutable('script'), 'util-linux');

function htpasswdFile(): string {
  const file = join(makeTempDir('ims-htpasswd'), 'users.htpasswd');
  writeFileSync(file, `alice:${bcrypt.hashSync('wonderland', 4).replace(/^\$2b\$/, '$2y$')}\n`);
  return file;
}

/** Runs `ims ARGS` on a pseudo-terminal; each answer is typed once the prompt before it has appeared. */
function onTerminal(configPath: string, args: string[], answers: { after: string; type: string }[]): Promise<{ code: number | null; output: string }> {
  const command = [imsBin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, IMS_CONFIG: configPath, IMS_SERVER: '', IMS_TOKEN: '' } });
  let output = '';
  const pending = [...answers];
  const answer = () => {
    while (pending.length && output.includes(pending[0].after)) child.stdin.write(pending.shift()!.type);
  };
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    answer();
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

const authOf = (file: string) => JSON.parse(readFileSync(file, 'utf8')).auths as Record<string, { auth: string }>;
const tokenIn = (entry: { auth: string } | undefined) => (entry ? Buffer.from(entry.auth, 'base64').toString().split(':').slice(1).join(':') : undefined);

describe('ims login and logout', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(['--htpasswd', htpasswdFile()]);
  });
  after(async () => {
    await server.stop();
  });

  it('asks for the password without echoing it when -p is not given', { skip: scriptMissing }, async () => {
    const ims = cliSession();
    const login = await onTerminal(ims.configPath, ['login', server.url, '-u', 'alice'], [{ after: 'Password: ', type: 'wonderland\r' }]);
    assert.equal(login.code, 0, login.output);
    assert.match(login.output, /Password: \r?\n[\s\S]*Login successful\./);
    assert.ok(!login.output.includes('wonderland'), `the password was shown:\n${login.output}`);
    assert.equal((await ims.run(['whoami'])).stdout, 'alice\n');

    const both = cliSession();
    const asked = await onTerminal(
      both.configPath,
      ['login', server.url],
      [
        { after: 'Username: ', type: 'alice\r' },
        { after: 'Password: ', type: 'wonderland\r' },
      ],
    );
    assert.equal(asked.code, 0, asked.output);
    assert.match(asked.output, /Username: alice\r?\n/, 'the user name is shown as typed');
    assert.ok(!asked.output.includes('wonderland'));
    assert.equal((await both.run(['whoami'])).stdout, 'alice\n');

    const wrong = await onTerminal(cliSession().configPath, ['login', server.url, '-u', 'alice'], [{ after: 'Password: ', type: 'guess\r' }]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.output, /Login failed \(401 Unauthorized\)/);
  });

  it('reads the password from standard input when it is not a terminal', async () => {
    const ims = cliProcess();
    const login = await ims.run(['login', server.url, '-u', 'alice'], { stdin: 'wonderland\n' });
    assert.equal(login.code, 0, login.stderr);
    assert.equal((await ims.run(['whoami'])).stdout, 'alice\n');
  });

  it('renews the credentials registry login wrote on login, and removes them on logout', async () => {
    const ims = cliSession();
    const dir = makeTempDir('ims-auth');
    const podman = join(dir, 'auth.json');
    const env = { DOCKER_CONFIG: join(dir, 'docker') };
    const docker = join(dir, 'docker', 'config.json');
    writeFileSync(podman, JSON.stringify({ auths: { 'quay.io': { auth: Buffer.from('bot:kept').toString('base64') } } }));
    assert.equal((await ims.run(['login', server.url, '-u', 'alice', '-p', 'wonderland'])).code, 0);
    const first = (await ims.run(['whoami', '-t'])).stdout.trim();
    assert.equal((await ims.run(['registry', 'login', '--to', podman])).code, 0);
    assert.equal((await ims.run(['registry', 'login'], { env })).code, 0);
    const host = (await ims.run(['registry', 'info'])).stdout.trim();
    assert.equal(tokenIn(authOf(podman)[host]), first);
    assert.equal(tokenIn(authOf(docker)[host]), first);

    assert.equal((await ims.run(['login', server.url, '-u', 'alice', '-p', 'wonderland'])).code, 0);
    const second = (await ims.run(['whoami', '-t'])).stdout.trim();
    assert.notEqual(second, first);
    assert.equal(tokenIn(authOf(podman)[host]), second, 'login renewed the auth.json entry');
    assert.equal(tokenIn(authOf(docker)[host]), second, 'and the docker config entry');
    assert.equal(tokenIn(authOf(podman)['quay.io']), 'kept', "other registries' entries are untouched");

    // Someone logs in to the registry as someone else meanwhile: that entry is theirs now.
    const theirs = { auth: Buffer.from('bob:their-token').toString('base64') };
    writeFileSync(docker, JSON.stringify({ auths: { [host]: theirs } }));
    const logout = await ims.run(['logout']);
    assert.equal(logout.code, 0, logout.stderr);
    assert.equal(authOf(podman)[host], undefined, 'logout removed the revoked token');
    assert.equal(tokenIn(authOf(podman)['quay.io']), 'kept');
    assert.deepEqual(authOf(docker)[host], theirs);
    const revoked = await fetch(`${server.url}/v2/`, { headers: { authorization: `Bearer ${second}` } });
    assert.equal(revoked.status, 401, 'and the token is revoked on the server');
  });
});

describe('an expired login', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(['--htpasswd', htpasswdFile(), '--access-token-max-age', '1s']);
  });
  after(async () => {
    await server.stop();
  });

  it('says the token expired, and how to log in again', async () => {
    const ims = cliSession();
    assert.equal((await ims.run(['login', server.url, '-u', 'alice', '-p', 'wonderland'])).code, 0);
    // The token lives one second: ask until the server refuses it (bounded by the test's timeout).
    let refused;
    do refused = await ims.run(['whoami']);
    while (refused.code === 0);
    assert.equal(refused.stderr.split('\n').length, 2, refused.stderr);
    assert.match(
      refused.stderr,
      new RegExp(`^error: your login token expired at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z; log in again: ims login ${server.url.replace(/\./g, '\\.')}\\n$`),
    );
    const fresh = await ims.run(['whoami', '--token', server.adminToken]);
    assert.equal(fresh.stdout, 'admin\n', 'another token is not taken for the expired one');
  });
});
