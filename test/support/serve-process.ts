// Starts a real `ims serve` (bin/ims) on a free loopback port with a fresh data dir, for
// integration and interop tests; stops it with SIGTERM. The fake upstreams and distribution
// registries of those tests listen on loopback, so it allows private registries unless told not to.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { makeTempDir } from './temp-dir.ts';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const imsBin = join(repoRoot, 'bin', 'ims');

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** The token in <data-dir>/admin.token; '' when another replica on the same etcd minted it. */
  readonly adminToken: string;
  readonly process: ChildProcess;
  /** Everything the server wrote to stderr so far (JSON log lines). */
  logs(): string;
  stop(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startServer(
  extraArgs: readonly string[] = [],
  options: { dataDir?: string; tls?: { cert: string; key: string }; umask?: string; allowPrivateRegistries?: boolean } = {},
): Promise<RunningServer> {
  const dataDir = options.dataDir ?? makeTempDir('ims-serve');
  const port = await freePort();
  const args = [
    'serve',
    '--listen',
    `127.0.0.1:${port}`,
    '--data-dir',
    dataDir,
    ...(options.tls ? ['--tls-cert', options.tls.cert, '--tls-key', options.tls.key] : []),
    ...(options.allowPrivateRegistries === false ? [] : ['--allow-private-registries']),
    ...extraArgs,
  ];
  // A umask is set the way a user's shell sets it, so the server sees exactly what it would at a prompt.
  const child =
    options.umask === undefined
      ? spawn(imsBin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('/bin/sh', ['-c', 'umask "$1" && shift && exec "$@"', 'sh', options.umask, imsBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  while (!stdout.includes('Imagestream is serving')) {
    if (child.exitCode !== null) throw new Error(`ims serve exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`ims serve did not start within 20s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const scheme = options.tls ? 'https' : 'http';
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    dataDir,
    adminToken: existsSync(join(dataDir, 'admin.token')) ? readFileSync(join(dataDir, 'admin.token'), 'utf8').trim() : '',
    process: child,
    logs: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
