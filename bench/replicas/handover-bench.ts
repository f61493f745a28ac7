// How long the controllers go without a leader, and the API without answers, when a replica or
// etcd goes away: SIGTERM of the leader, SIGKILL of the leader, a full etcd outage long enough to
// lose the lease, and short outages while clients keep calling (which opens the etcd client's
// circuit breaker). Real etcd and real `ims serve` processes; run by hand, never as a test.
//
//   node_modules/.bin/node bench/replicas/handover-bench.ts [--runs 3]
import { startServer, type RunningServer } from '../../test/support/serve-process.ts';
import { startEtcd } from '../../test/support/etcd.ts';
import { untilLogged, waitFor } from '../../test/support/replica-set.ts';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 3);
const leadCount = (server: RunningServer) => (server.logs().match(/leading the controllers/g) ?? []).length;

async function pair() {
  const etcd = await startEtcd();
  const flags = ['--store', 'etcd', '--etcd-endpoints', etcd.endpoints.join(',')];
  const servers = [await startServer(flags), await startServer(flags)];
  const leader = await waitFor('a leader', async () => servers.find((server) => leadCount(server) > 0), 30_000);
  return { etcd, leader, follower: servers.find((server) => server !== leader)!, servers };
}

async function handover(signal: 'SIGTERM' | 'SIGKILL'): Promise<number> {
  const { etcd, leader, follower, servers } = await pair();
  const exited = new Promise((resolve) => leader.process.once('exit', resolve));
  const started = Date.now();
  leader.process.kill(signal);
  await exited;
  await waitFor('the follower to lead', async () => (leadCount(follower) > 0 ? true : undefined), 30_000);
  const ms = Date.now() - started;
  for (const server of servers) await server.stop();
  await etcd.stop();
  return ms;
}

async function outage(): Promise<{ lead: number; api: number }> {
  const etcd = await startEtcd();
  const server = await startServer(['--store', 'etcd', '--etcd-endpoints', etcd.endpoints.join(',')]);
  await untilLogged(server, /leading the controllers/);
  await etcd.kill(0);
  await untilLogged(server, /lost the controllers lease/, 60_000);
  await etcd.revive(0);
  const healthy = Date.now();
  let api = -1;
  const headers = { authorization: `Bearer ${server.adminToken}` };
  await waitFor(
    'the API and the controllers',
    async () => {
      if (api < 0 && (await fetch(`${server.url}/api/v1/namespaces/default/secrets`, { headers })).status === 200) api = Date.now() - healthy;
      return api >= 0 && leadCount(server) > 1 ? true : undefined;
    },
    60_000,
  );
  const lead = Date.now() - healthy;
  await server.stop();
  await etcd.stop();
  return { lead, api };
}

/** etcd down for `outageMs` while a client calls the API every 100 ms; then how long until it answers 200. */
async function apiRecovery(outageMs: number): Promise<number> {
  const etcd = await startEtcd();
  const server = await startServer(['--store', 'etcd', '--etcd-endpoints', etcd.endpoints.join(',')]);
  const headers = { authorization: `Bearer ${server.adminToken}` };
  const url = `${server.url}/api/v1/namespaces/default/secrets`;
  const call = async () => {
    const response = await fetch(url, { headers });
    await response.arrayBuffer();
    return response.status;
  };
  await etcd.kill(0);
  const until = Date.now() + outageMs;
  while (Date.now() < until) {
    await call();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await etcd.revive(0);
  const healthy = Date.now();
  await waitFor('the API', async () => ((await call()) === 200 ? true : undefined), 60_000);
  const ms = Date.now() - healthy;
  await server.stop();
  await etcd.stop();
  return ms;
}

const rows: string[] = [];
for (let run = 1; run <= runs; run++) {
  const term = await handover('SIGTERM');
  const kill = await handover('SIGKILL');
  const down = await outage();
  const short = await apiRecovery(3_000);
  const longer = await apiRecovery(12_000);
  rows.push(`| ${run} | ${term} | ${kill} | ${down.lead} | ${down.api} | ${short} | ${longer} |`);
  process.stderr.write(`run ${run} done\n`);
}
process.stdout.write(
  [
    '| run | SIGTERM of the leader → other replica leads | SIGKILL of the leader → other replica leads | etcd back after losing the lease → controllers lead | … → first request answered | etcd back after 3 s, clients calling → API answers | … after 12 s |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
