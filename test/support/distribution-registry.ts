// Starts the CNCF distribution registry (Debian's docker-registry) on a free loopback port with a
// throwaway filesystem store, for interop tests and benchmarks.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './serve-process.ts';
import { makeTempDir } from './temp-dir.ts';
import { findExecutable } from './peers.ts';
import bcrypt from 'bcryptjs';
import { Agent, fetch as undiciFetch } from 'undici';

const insecureAgent = new Agent({ connect: { rejectUnauthorized: false } });

export const distributionBinary = findExecutable('docker-registry');

export async function startDistribution(
  options: { htpasswd?: { user: string; password: string }; tls?: { cert: string; key: string }; accessLog?: boolean } = {},
): Promise<{ host: string; pid: number; stop: () => Promise<void>; log: () => string }> {
  const dir = makeTempDir('ims-distribution');
  const port = await freePort();
  const config = join(dir, 'config.yml');
  let auth = '';
  if (options.htpasswd) {
    writeFileSync(join(dir, 'htpasswd'), `${options.htpasswd.user}:${bcrypt.hashSync(options.htpasswd.password, 4)}\n`);
    auth = `auth:\n  htpasswd:\n    realm: test\n    path: ${dir}/htpasswd\n`;
  }
  const tls = options.tls ? `  tls:\n    certificate: ${options.tls.cert}\n    key: ${options.tls.key}\n` : '';
  writeFileSync(
    config,
    `version: 0.1
log:
  level: error
  accesslog:
    disabled: ${options.accessLog ? 'false' : 'true'}
storage:
  filesystem:
    rootdirectory: ${dir}/data
  delete:
    enabled: true
${auth}http:
  addr: 127.0.0.1:${port}
${tls}`,
  );
  const child = spawn(distributionBinary!, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const probe = await undiciFetch(`${options.tls ? 'https' : 'http'}://${host}/v2/`, { dispatcher: insecureAgent });
      if (probe.status === 200 || probe.status === 401) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`docker-registry did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    host,
    pid: child.pid!,
    log: () => stdout + stderr,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
