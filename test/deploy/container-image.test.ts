// deploy/container/build-image.ts builds an OCI layout without docker; real podman (rootful, vfs,
// as in test/interop/podman.test.ts) runs `ims --help` from it, and the server starts in it.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTempDir } from '../support/temp-dir.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';
import { repoRoot } from '../support/serve-process.ts';

const podmanBinary = findExecutable('podman');
const skip = missingPeer('podman', podmanBinary, 'apt-get install podman runc');
const node = join(repoRoot, 'node_modules', '.bin', 'node');

function exec(binary: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(binary, args, { maxBuffer: 16 * 1024 * 1024, timeout: 300_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the container image', { skip }, () => {
  let layout: string;
  let podman: (args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;
  const image = 'localhost/imagestream:test';
  // Explicit limits: podman's defaults (nofile and nproc of a million) are more than a sandbox may grant.
  const run = ['run', '--rm', '--network', 'none', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];
  before(async () => {
    // podman names an image pulled from an OCI layout after its path, and names must be lowercase.
    const parent = join(tmpdir(), `ims-image-${randomBytes(6).toString('hex')}`);
    mkdirSync(parent);
    process.on('exit', () => rmSync(parent, { recursive: true, force: true }));
    layout = join(parent, 'layout');
    const built = await exec(node, [join(repoRoot, 'deploy', 'container', 'build-image.ts'), '--out', layout, '--tag', 'test']);
    assert.equal(built.code, 0, built.stderr);
    const root = makeTempDir('ims-podman-image');
    const base = ['--root', join(root, 'root'), '--runroot', join(root, 'run'), '--storage-driver', 'vfs', '--cgroup-manager', 'cgroupfs'];
    podman = (args) => exec(podmanBinary!, [...base, '--events-backend', 'file', '--tmpdir', root, '--runtime', 'runc', ...args]);
    const pulled = await podman(['pull', `oci:${layout}:test`]);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.equal((await podman(['tag', pulled.stdout.trim().split('\n').at(-1)!, image])).code, 0);
  });

  it('is a valid OCI layout naming its tag, with the runtime and the app as two layers', () => {
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
    assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], 'test');
    const manifest = JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', index.manifests[0].digest.slice(7)), 'utf8'));
    assert.equal(manifest.layers.length, 2);
    const config = JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', manifest.config.digest.slice(7)), 'utf8'));
    assert.equal(config.config.User, '65532:65532');
    assert.deepEqual(config.config.Cmd, ['serve', '--listen', '0.0.0.0:8080', '--data-dir', '/data']);
  });

  it('runs ims --help', async () => {
    const help = await podman([...run, image, '--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^ims: OpenShift's image streams, standalone\./);
    assert.match(help.stdout, /import-image/);
  });

  it('starts the server as an unprivileged user with its data in /data', async () => {
    // No shell or curl in the image: its own Node starts the server and asks /healthz.
    const probe = `
const { spawn } = require('node:child_process');
const server = spawn('/usr/local/bin/node', ['--disable-warning=ExperimentalWarning', '/app/src/main.ts', 'serve', '--listen', '127.0.0.1:8080', '--data-dir', '/data'], { stdio: 'ignore' });
server.on('exit', (code) => { console.log('server exited', code); process.exit(1); });
(async () => {
  for (let i = 0; i < 300; i++) {
    try {
      const answer = await fetch('http://127.0.0.1:8080/healthz');
      console.log('healthz', answer.status, await answer.text(), 'uid', process.getuid());
      server.removeAllListeners('exit');
      server.kill('SIGTERM');
      return;
    } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  console.log('never healthy');
  process.exit(1);
})();`;
    const started = await podman([...run, '--entrypoint', '/usr/local/bin/node', image, '-e', probe]);
    assert.equal(started.code, 0, started.stdout + started.stderr);
    assert.match(started.stdout, /healthz 200 ok uid 65532/);
  });
});
