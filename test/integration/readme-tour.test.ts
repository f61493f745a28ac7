// The README's tour, run as written: every `sh` block from "A five-minute tour" through "kubectl",
// in order, in one bash session, in a fresh directory that holds the checkout (symlinked, already
// installed), with its own HOME, container storage and free ports instead of 8080 and 8443. No
// step may depend on something the README never made.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../support/temp-dir.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';
import { freePort, repoRoot } from '../support/serve-process.ts';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const skip =
  missingPeer('skopeo', findExecutable('skopeo'), 'apt-get install skopeo') ??
  missingPeer('podman', findExecutable('podman'), 'apt-get install podman runc') ??
  missingPeer('openssl', findExecutable('openssl'), 'apt-get install openssl') ??
  missingPeer('kubectl', findExecutable('kubectl'), 'the Google Cloud SDK kubectl') ??
  missingPeer('npm', findExecutable('npm'), 'apt-get install npm');

/** The `sh` blocks of the README between two headings, in order. */
export function tourBlocks(text: string, from: string, to: string): string[] {
  const start = text.indexOf(`\n${from}\n`);
  const end = text.indexOf(`\n${to}\n`, start);
  assert.ok(start >= 0 && end > start, `the README has the sections "${from}" to "${to}"`);
  return [...text.slice(start, end).matchAll(/\n```sh\n([\s\S]*?)\n```\n/g)].map((m) => m[1]);
}

describe("the README's tour", { skip }, () => {
  it('runs top to bottom as written', { timeout: 600_000 }, async () => {
    const blocks = tourBlocks(readme, '## A five-minute tour', '## The server');
    assert.ok(blocks.length >= 5, 'the tour, the registry, imports, image streams at work and kubectl');
    // A person pastes the lines one after the other: an install sent to the background would still
    // be running when the next line needs it.
    assert.doesNotMatch(blocks.join('\n'), /npm ci[^#\n]*&\s*(#.*)?$/m, 'npm ci runs on its own, in the foreground');
    assert.match(blocks[0], /^bin\/ims serve 2>ims\.log &/m, "the tour's server logs into a file, not over the terminal");
    const dir = makeTempDir('ims-tour');
    const checkout = join(dir, 'checkout');
    const home = join(dir, 'home');
    for (const made of [checkout, home, join(dir, 'xdg')]) mkdirSync(made);
    for (const entry of ['bin', 'src', 'deploy', 'node_modules', 'package.json', 'package-lock.json', 'LICENSE', 'README.md'])
      symlinkSync(join(repoRoot, entry), join(checkout, entry));
    // podman and skopeo keep their images and credentials under the tour's own directory.
    writeFileSync(join(dir, 'storage.conf'), `[storage]\ndriver = "vfs"\nrunroot = "${dir}/run"\ngraphroot = "${dir}/storage"\n`);
    writeFileSync(join(dir, 'containers.conf'), `[engine]\nevents_logger = "file"\ncgroup_manager = "cgroupfs"\n`);
    const [plain, tls] = [await freePort(), await freePort()];
    const waitFor = (port: number) => `timeout 60 bash -c 'until (exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null; do sleep 0.2; done'`;
    const script = blocks
      .join('\n')
      .replaceAll('8080', String(plain))
      .replaceAll('8443', String(tls))
      // The checkout is installed already, through its node_modules link (which npm ci would empty).
      .replace(/^npm ci\b.*$/gm, '')
      // 8080 is also the default of --listen, which the test gives explicitly as its free port.
      .replaceAll('bin/ims serve', `bin/ims serve --listen 127.0.0.1:${plain}`)
      // A person waits for the server's first lines before typing on; a script waits for its port.
      .replace(/^bin\/ims serve .*&.*$/gm, (line) => `${line}\n${waitFor(line.includes('--listen-tls') ? tls : plain)}`);
    writeFileSync(join(dir, 'tour.sh'), `set -m -e -o pipefail\n${script}\nkill $(jobs -p) 2>/dev/null || true\nwait || true\n`);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_RUNTIME_DIR: join(dir, 'xdg'),
      XDG_CONFIG_HOME: join(home, '.config'),
      CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
      CONTAINERS_CONF: join(dir, 'containers.conf'),
      KUBECONFIG: join(home, '.kube', 'config'),
    };
    // Into a file, not a pipe: the servers the tour starts in the background hold on to what they inherit.
    const log = join(dir, 'tour.log');
    const logFd = openSync(log, 'w');
    const run = spawn('bash', ['-x', join(dir, 'tour.sh')], { cwd: checkout, env, stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    let output = '';
    try {
      const code = await new Promise<number | null>((resolve) => run.once('exit', resolve));
      output = readFileSync(log, 'utf8');
      assert.equal(code, 0, `the tour stopped at the last command below:\n${output.slice(-6000)}`);
    } finally {
      // A server the tour left running (it failed half way) is stopped by its pid.
      const pidFile = join(checkout, 'ims-data', 'serve.pid');
      if (existsSync(pidFile)) {
        try {
          const { pid } = JSON.parse(readFileSync(pidFile, 'utf8')) as { pid: number };
          if (pid > 0) process.kill(pid, 'SIGTERM');
        } catch {
          // Already gone, or it never wrote its pid.
        }
      }
    }
    // What the README says each step shows.
    assert.match(output, /\badmin\n/, 'ims whoami: admin');
    assert.match(output, /imagePullSecrets:\n\s*- name: quay-creds/);
    assert.match(output, /app\s+127\.0\.0\.1:\d+\/demo\/app\s+1\.0/, 'the push made the stream app with tag 1.0');
    assert.match(output, /imported 1 of 1 tags in \S+/, 'import-image --all');
    assert.match(output, /deployment\.apps\/web (created|configured|unchanged)/, 'kubectl apply');
  });
});
