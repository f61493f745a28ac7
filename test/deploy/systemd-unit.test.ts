// deploy/systemd/imagestream.service is a unit systemd accepts, and its ExecStart line, run as
// written (with the environment file's flags), starts a server on the data dir it names.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../support/temp-dir.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';
import { freePort, repoRoot } from '../support/serve-process.ts';
import { parseServeFlags } from '../../src/server/config.ts';

const analyze = findExecutable('systemd-analyze');
const unit = readFileSync(join(repoRoot, 'deploy', 'systemd', 'imagestream.service'), 'utf8');

describe('the systemd unit', () => {
  it(
    'passes systemd-analyze verify, installed where its comments say',
    { skip: missingPeer('systemd-analyze', analyze, 'apt-get install systemd') },
    async () => {
      const dir = makeTempDir('ims-unit');
      const path = join(dir, 'imagestream.service');
      // The checkout stands in for /opt/imagestream, as the install steps copy it there.
      writeFileSync(path, unit.replaceAll('/opt/imagestream', repoRoot));
      const verified = await new Promise<{ code: number; output: string }>((resolve) =>
        execFile(analyze!, ['verify', path], (error, stdout, stderr) => resolve({ code: error ? 1 : 0, output: stdout + stderr })),
      );
      assert.equal(verified.code, 0, verified.output);
      assert.equal(verified.output.trim(), '');
    },
  );

  it('starts the server with the ExecStart line and the flags of the environment file', async () => {
    const execStart = /^ExecStart=(.*)$/m.exec(unit)![1];
    assert.match(execStart, /^\/opt\/imagestream\/bin\/ims serve --data-dir \/var\/lib\/imagestream \$IMS_SERVE_FLAGS$/);
    const flags = /^IMS_SERVE_FLAGS=(.*)$/m.exec(readFileSync(join(repoRoot, 'deploy', 'systemd', 'imagestream.env'), 'utf8'))![1].split(' ');
    assert.ok(flags.includes('--listen-tls') && flags.includes('--public-host'), 'the example serves TLS under a public name');
    // `ims serve` takes the example's flags as they are (the files they name are read only at start).
    assert.equal(parseServeFlags(flags).publicHost, 'registry.example.com:8443');
    const dataDir = join(makeTempDir('ims-unit-data'), 'imagestream');
    const port = await freePort();
    const words = execStart
      .replace('/opt/imagestream/bin/ims', join(repoRoot, 'bin', 'ims'))
      .replace('/var/lib/imagestream', dataDir)
      .replace('$IMS_SERVE_FLAGS', `--listen 127.0.0.1:${port}`)
      .split(' ');
    const server = spawn(words[0], words.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stdout = '';
      await new Promise<void>((resolve, reject) => {
        server.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('Imagestream is serving')) resolve();
        });
        server.once('exit', (code) => reject(new Error(`ims serve exited with ${code}`)));
      });
      assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
      assert.ok(readFileSync(join(dataDir, 'admin.token'), 'utf8').startsWith('sha256~'));
    } finally {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
    }
  });
});
