import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.ts';
import type { CliEnv } from '../../src/cli/config.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/** A saved session whose token tells which config a run read. */
function configWithToken(token: string): string {
  const file = join(makeTempDir('ims-cli-main'), 'config.json');
  writeFileSync(file, JSON.stringify({ server: 'http://127.0.0.1:1', token }));
  return file;
}

async function run(args: string[], env: CliEnv) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { out: (t) => (stdout += t), err: (t) => (stderr += t), env });
  return { code, stdout, stderr };
}

describe('runCli', () => {
  it('reads the config and token of the environment it is given, not the process', async () => {
    const config = configWithToken('from-the-config');
    assert.deepEqual(await run(['whoami', '-t'], { IMS_CONFIG: config }), { code: 0, stdout: 'from-the-config\n', stderr: '' });
    assert.deepEqual(await run(['whoami', '-t'], { IMS_CONFIG: config, IMS_TOKEN: 'from-the-env' }), { code: 0, stdout: 'from-the-env\n', stderr: '' });
    assert.equal(process.env.IMS_CONFIG === config, false, 'the process environment is left alone');
  });

  it('finds the config under the HOME it is given when IMS_CONFIG is not set', async () => {
    const home = makeTempDir('ims-cli-home');
    mkdirSync(join(home, '.ims'));
    writeFileSync(join(home, '.ims', 'config.json'), JSON.stringify({ token: 'from-home' }));
    assert.deepEqual(await run(['whoami', '-t'], { HOME: home }), { code: 0, stdout: 'from-home\n', stderr: '' });
  });

  it('keeps runs that overlap in one process apart', async () => {
    const configs = ['a', 'b', 'c'].map((name) => ({ name, file: configWithToken(`token-${name}`) }));
    const runs = Array.from({ length: 30 }, (_, i) => configs[i % configs.length]);
    const answers = await Promise.all(runs.map(({ file }) => run(['whoami', '-t'], { IMS_CONFIG: file })));
    assert.deepEqual(
      answers.map((answer) => answer.stdout),
      runs.map(({ name }) => `token-${name}\n`),
    );
  });

  // Unstopped, the request would wait for its own 60 s timeout: the test's bound (an upper bound, not a speed) catches that.
  it('stops when its signal aborts, even while a request waits on a server that never answers, and says nothing', { timeout: 30_000 }, async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const connected = new Promise((resolve) => silent.once('connection', resolve));
    const server = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
    const stopping = new AbortController();
    let stdout = '';
    let stderr = '';
    try {
      const running = runCli(['get', 'is', '-w', '--server', server, '--token', 't'], {
        out: (t) => (stdout += t),
        err: (t) => (stderr += t),
        env: { IMS_CONFIG: join(makeTempDir('ims-cli-main'), 'config.json') },
        signal: stopping.signal,
      });
      await connected;
      stopping.abort();
      assert.deepEqual({ code: await running, stdout, stderr }, { code: 143, stdout: '', stderr: '' });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('keeps commands off the process: they read env and streams, and stop, through their context', () => {
    // A command reading process.env or process.stdin would read the test's, not its run's, and runs in one process would share them.
    const dir = join(import.meta.dirname, '..', '..', 'src', 'cli', 'commands');
    const offenders = readdirSync(dir)
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) =>
        readFileSync(join(dir, file), 'utf8')
          .split('\n')
          .map((line, i) => ({ where: `${file}:${i + 1}`, line }))
          .filter(({ line }) => /\bprocess\.(env|stdin|stdout|stderr|exit|exitCode|cwd)\b/.test(line) && !line.trimStart().startsWith('//')),
      )
      .map(({ where, line }) => `${where}: ${line.trim()}`);
    assert.deepEqual(offenders, [], 'use context.env, context.out/err/stdin/prompt and context.signal instead');
  });
});
