// Starts Debian's etcd (3.4) on free loopback ports with a throwaway data dir: one member, or a
// three-member cluster whose members can be killed and revived to test failover; or a new cluster
// restored from a snapshot, as an operator restores a backup.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
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
}

export interface EtcdCluster {
  readonly endpoints: string[];
  /** SIGKILLs member `index` (0-based), as a crash. */
  kill(index: number): Promise<void>;
  /** Starts a killed member again from its data dir; it rejoins the cluster. */
  revive(index: number): Promise<void>;
  stop(): Promise<void>;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    return response.ok && ((await response.json()) as { health?: string }).health === 'true';
  } catch {
    return false;
  }
}

export async function startEtcd(options: { members?: number; restoreFrom?: string } = {}): Promise<EtcdCluster> {
  const count = options.members ?? 1;
  const dir = makeTempDir('ims-etcd');
  const members: Member[] = [];
  for (let i = 0; i < count; i++) {
    members.push({
      name: `m${i}`,
      clientUrl: `http://127.0.0.1:${await freePort()}`,
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
      ],
      { stdio: 'ignore' },
    );
  };
  const waitHealthy = async (urls: string[]) => {
    const deadline = Date.now() + 20_000;
    while (!(await Promise.all(urls.map(healthy))).every(Boolean)) {
      if (Date.now() > deadline) throw new Error(`etcd did not become healthy at ${urls.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  for (const member of members) launch(member, 'new');
  await waitHealthy(members.map((m) => m.clientUrl));
  const stopMember = async (member: Member, signal: NodeJS.Signals) => {
    const child = member.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
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
