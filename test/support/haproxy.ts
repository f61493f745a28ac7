// Starts Debian's haproxy as a round-robin HTTP load balancer on a free loopback port in front of
// the given backends, with its own config in a temp dir. Every answer names the backend that gave
// it (X-Served-By: r0, r1, ...), so tests can see where requests landed; a backend whose /readyz
// fails is taken out of rotation, and a request refused by a dead backend is sent to another one.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './serve-process.ts';
import { makeTempDir } from './temp-dir.ts';
import { findExecutable } from './peers.ts';

export const haproxyBinary = findExecutable('haproxy') ?? findExecutable('/usr/sbin/haproxy');

export interface LoadBalancer {
  readonly url: string;
  readonly port: number;
  /** The config haproxy runs with, as the README's scale-out section shows it. */
  readonly config: string;
  stop(): Promise<void>;
}

/** The haproxy.cfg for `backends` (host:port each), listening on 127.0.0.1:`port`. */
export function haproxyConfig(port: number, backends: readonly string[]): string {
  return [
    'global',
    '  maxconn 2000',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 120s',
    '  timeout server 120s',
    // Watches and long blob transfers stay open longer than any request.
    '  timeout tunnel 1h',
    '  retries 3',
    '  option redispatch',
    'frontend ims',
    `  bind 127.0.0.1:${port}`,
    '  default_backend replicas',
    'backend replicas',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    '  http-response set-header X-Served-By %[srv_name]',
    ...backends.map((backend, index) => `  server r${index} ${backend} check inter 500ms fall 2 rise 1`),
    '',
  ].join('\n');
}

/** `port`: where to listen, when the backends must know it first (their --public-host); a free one by default. */
export async function startHaproxy(backends: readonly string[], options: { port?: number } = {}): Promise<LoadBalancer> {
  if (!haproxyBinary) throw new Error('haproxy is not installed');
  const dir = makeTempDir('ims-haproxy');
  const port = options.port ?? (await freePort());
  const config = haproxyConfig(port, backends);
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  const child: ChildProcess = spawn(haproxyBinary, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  // Ready once every backend is in rotation: each of them has answered once through the balancer.
  const seen = new Set<string>();
  while (seen.size < backends.length) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`haproxy did not put every backend in rotation within 15s (saw ${[...seen].join(', ')}): ${stderr}`);
    }
    const served = await fetch(`${url}/healthz`)
      .then((response) => response.headers.get('x-served-by'))
      .catch(() => null);
    if (served) seen.add(served);
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port,
    config,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
