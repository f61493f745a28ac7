// Starts Debian's etcd (3.4) on free loopback ports with a throwaway data dir: one member, or a
// three-member cluster whose members can be killed and revived to test failover; or a new cluster
// restored from a snapshot, as an operator restores a backup; optionally serving clients over TLS
// and requiring a client certificate signed by a given CA.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { freePort } from './serve-process.ts';
import { makeTempDir } from './temp-dir.ts';
import { findExecutable } from './peers.ts';

export const etcdBinary = findExecutable('etcd');
export const etcdctlBinary = findExecutable('etcdctl');
/** etcd 3.5 and later restore with etcdutl; 3.4 with etcdctl. */
const restoreTool = findExecutable('etcdutl') ?? etcdctlBinary;

interface Member {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  process?: ChildProcess;
  /** What the member wrote to stderr (errors only, at --log-level error), for a failure message. */
  output?: string[];
}

async function stopMember(member: Member, signal: NodeJS.Signals): Promise<void> {
  const child = member.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

export interface EtcdCluster {
  readonly endpoints: string[];
  /** SIGKILLs member `index` (0-based), as a crash. */
  kill(index: number): Promise<void>;
  /** Starts a killed member again from its data dir; it rejoins the cluster. */
  revive(index: number): Promise<void>;
  stop(): Promise<void>;
}

/** Client TLS: the CA clients trust, the members' certificate, and the client certificate the harness checks health with. */
export interface EtcdTls {
  readonly ca: string;
  readonly server: { cert: string; key: string };
  readonly client: { cert: string; key: string };
}

function healthyOverTls(url: string, tls: EtcdTls): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      `${url}/health`,
      { ca: readFileSync(tls.ca), cert: readFileSync(tls.client.cert), key: readFileSync(tls.client.key), timeout: 1000 },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(res.statusCode === 200 && body.includes('"health":"true"')));
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function healthy(url: string, tls?: EtcdTls): Promise<boolean> {
  if (tls) return healthyOverTls(url, tls);
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    return response.ok && ((await response.json()) as { health?: string }).health === 'true';
  } catch {
    return false;
  }
}

/** A member that exited before it was healthy: most often a free port another process took first. */
class MemberExited extends Error {}

type EtcdOptions = { members?: number; restoreFrom?: string; tls?: EtcdTls };

export async function startEtcd(options: EtcdOptions = {}): Promise<EtcdCluster> {
  // Free ports are only free when asked; on a busy machine another test may bind one first. New
  // ports (and a new data dir) make a second start independent of the first.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startEtcdOnce(options);
    } catch (error) {
      if (!(error instanceof MemberExited) || attempt === 3) throw error;
    }
  }
}

async function startEtcdOnce(options: EtcdOptions): Promise<EtcdCluster> {
  const count = options.members ?? 1;
  const tls = options.tls;
  const clientScheme = tls ? 'https' : 'http';
  const dir = makeTempDir('ims-etcd');
  const members: Member[] = [];
  for (let i = 0; i < count; i++) {
    members.push({
      name: `m${i}`,
      clientUrl: `${clientScheme}://127.0.0.1:${await freePort()}`,
      peerUrl: `http://127.0.0.1:${await freePort()}`,
      dataDir: join(dir, `m${i}`),
    });
  }
  const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  if (options.restoreFrom) {
    for (const member of members) {
      execFileSync(
        restoreTool!,
        [
          'snapshot',
          'restore',
          options.restoreFrom,
          '--name',
          member.name,
          '--data-dir',
          member.dataDir,
          '--initial-cluster',
          initialCluster,
          '--initial-advertise-peer-urls',
          member.peerUrl,
          '--initial-cluster-token',
          `ims-test-${process.pid}`,
        ],
        { env: { ...process.env, ETCDCTL_API: '3' }, stdio: 'ignore' },
      );
    }
  }
  const launch = (member: Member, state: 'new' | 'existing') => {
    member.process = spawn(
      etcdBinary!,
      [
        '--name',
        member.name,
        '--data-dir',
        member.dataDir,
        '--listen-client-urls',
        member.clientUrl,
        '--advertise-client-urls',
        member.clientUrl,
        '--listen-peer-urls',
        member.peerUrl,
        '--initial-advertise-peer-urls',
        member.peerUrl,
        '--initial-cluster',
        initialCluster,
        '--initial-cluster-state',
        state,
        '--initial-cluster-token',
        `ims-test-${process.pid}`,
        '--heartbeat-interval',
        '100',
        '--election-timeout',
        '1000',
        '--log-level',
        'error',
        '--logger',
        'zap',
        ...(tls ? ['--cert-file', tls.server.cert, '--key-file', tls.server.key, '--trusted-ca-file', tls.ca, '--client-cert-auth'] : []),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const output: string[] = [];
    member.process.stderr!.on('data', (chunk: Buffer) => void output.push(chunk.toString()));
    member.output = output;
  };
  const waitHealthy = async (urls: string[]) => {
    const deadline = Date.now() + 20_000;
    while (!(await Promise.all(urls.map((url) => healthy(url, tls)))).every(Boolean)) {
      const exited = members.find((m) => urls.includes(m.clientUrl) && m.process && (m.process.exitCode !== null || m.process.signalCode !== null));
      if (exited) {
        await Promise.all(members.map((m) => stopMember(m, 'SIGKILL')));
        throw new MemberExited(`etcd member ${exited.name} exited before it was healthy: ${(exited.output ?? []).join('').slice(-2000)}`);
      }
      if (Date.now() > deadline)
        throw new Error(`etcd did not become healthy at ${urls.join(', ')}: ${members.map((m) => (m.output ?? []).join('').slice(-1000)).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  for (const member of members) launch(member, 'new');
  await waitHealthy(members.map((m) => m.clientUrl));
  return {
    endpoints: members.map((m) => m.clientUrl),
    kill: (index) => stopMember(members[index], 'SIGKILL'),
    async revive(index) {
      launch(members[index], 'existing');
      await waitHealthy([members[index].clientUrl]);
    },
    async stop() {
      await Promise.all(members.map((m) => stopMember(m, 'SIGTERM')));
    },
  };
}
