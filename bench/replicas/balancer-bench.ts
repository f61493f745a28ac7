// The registry through haproxy with 1 and then 3 replicas, in one run: manifest GET req/s (wrk,
// Bearer admin token) and blob GET MB/s (parallel curl to /dev/null) of one image pushed once with
// skopeo (a random layer of --layer-mb MiB). Real etcd, a real Swift (s3api) holding the blobs, and
// `ims serve --store etcd --blobs s3` replicas sharing one --public-host (the balancer's address).
// For N=1 haproxy has one backend; then replicas 2 and 3 start and haproxy is restarted on the same
// port with all three. wrk, curl, haproxy, etcd, Swift and the replicas all share this machine's
// cores. Run by hand, never as a test:
//   node_modules/.bin/node bench/replicas/balancer-bench.ts [--layer-mb 64] [--seconds 10] [--connections 16] [--streams 4]
import { execFile } from 'node:child_process';
import { writeFileSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, loadavg } from 'node:os';
import { startServer, freePort, type RunningServer } from '../../test/support/serve-process.ts';
import { startEtcd, type EtcdCluster } from '../../test/support/etcd.ts';
import { startHaproxy, type LoadBalancer } from '../../test/support/haproxy.ts';
import { startSwift, type S3Endpoint } from '../../test/support/swift.ts';
import { makeTempDir } from '../../test/support/temp-dir.ts';
import { buildBigLayout } from '../support/big-layout.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const layerMb = option('layer-mb', 64);
const seconds = option('seconds', 10);
const connections = option('connections', 16);
const streams = option('streams', 4);

function run(command: string, commandArgs: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, commandArgs, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command}: ${stderr}`)) : resolve(stdout),
    ),
  );
}

const accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';

async function manifestRate(url: string, token: string, duration: number): Promise<{ rps: number; errors: string }> {
  const out = await run('wrk', ['-t2', `-c${connections}`, `-d${duration}s`, '-H', `Accept: ${accept}`, '-H', `Authorization: Bearer ${token}`, url]);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0), errors: /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? '0' };
}

async function blobRate(url: string, token: string): Promise<number> {
  const started = performance.now();
  const sizes = await Promise.all(
    Array.from({ length: streams }, () => run('curl', ['-sSf', '-o', '/dev/null', '-w', '%{size_download}', '-H', `Authorization: Bearer ${token}`, url])),
  );
  const mib = sizes.reduce((sum, size) => sum + Number(size), 0) / 1024 / 1024;
  return mib / ((performance.now() - started) / 1000);
}

/** User plus system CPU seconds a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Busy and total CPU seconds of the whole machine so far (all cores). */
function machineSeconds(): { busy: number; total: number } {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((sum, tick) => sum + tick, 0);
  return { busy: (total - ticks[3] - ticks[4]) / 100, total: total / 100 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const layoutDir = join(tmpdir(), `ims-balancer-bench-${process.pid}`);
buildBigLayout(layoutDir, layerMb);
let etcd: EtcdCluster | undefined;
let swift: S3Endpoint | undefined;
let balancer: LoadBalancer | undefined;
const replicas: RunningServer[] = [];
const rows: { n: number; rps: number; errors: string; mbs: number; replicaCores: number; machineBusy: number }[] = [];
const loads: string[] = [];
try {
  etcd = await startEtcd();
  swift = await startSwift();
  const secret = join(makeTempDir('ims-s3-secret'), 'secret');
  writeFileSync(secret, `${swift.secretAccessKey}\n`, { mode: 0o600 });
  const bucket = await swift.createBucket('bench');
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const flags = [
    '--store',
    'etcd',
    '--etcd-endpoints',
    etcd.endpoints.join(','),
    '--public-host',
    host,
    '--log-level',
    'warn',
    '--blobs',
    's3',
    '--s3-endpoint',
    swift.endpoint,
    '--s3-bucket',
    bucket,
    '--s3-access-key-id',
    swift.accessKeyId,
    '--s3-secret-access-key-file',
    secret,
  ];
  replicas.push(await startServer(flags));
  const token = replicas[0].adminToken;
  let layer = '';
  for (const n of [1, 3]) {
    while (replicas.length < n) replicas.push(await startServer(flags));
    await balancer?.stop();
    balancer = await startHaproxy(
      replicas.map((replica) => `127.0.0.1:${replica.port}`),
      { port },
    );
    const manifestUrl = `http://${host}/v2/default/big/manifests/latest`;
    if (!layer) {
      await run('skopeo', [
        '--insecure-policy',
        'copy',
        '--dest-tls-verify=false',
        '--dest-creds',
        `bench:${token}`,
        `oci:${layoutDir}:big`,
        `docker://${host}/default/big:latest`,
      ]);
      const manifest = await fetch(manifestUrl, { headers: { authorization: `Bearer ${token}`, accept } });
      layer = (JSON.parse(await manifest.text()) as { layers: { digest: string }[] }).layers[0].digest;
    }
    const blobUrl = `http://${host}/v2/default/big/blobs/${layer}`;
    await manifestRate(manifestUrl, token, 3); // warm every replica (JIT, caches) before measuring
    await blobRate(blobUrl, token);
    loads.push(`N=${n}: ${loadavg()[0].toFixed(2)}`);
    const replicaCpu = () => replicas.reduce((sum, replica) => sum + cpuSeconds(replica.process.pid!), 0);
    const [cpuBefore, machineBefore, started] = [replicaCpu(), machineSeconds(), performance.now()];
    const manifests = await manifestRate(manifestUrl, token, seconds);
    const elapsed = (performance.now() - started) / 1000;
    const replicaCores = (replicaCpu() - cpuBefore) / elapsed;
    const machineBusy = (machineSeconds().busy - machineBefore.busy) / elapsed;
    const mbs = median([await blobRate(blobUrl, token), await blobRate(blobUrl, token), await blobRate(blobUrl, token)]);
    rows.push({ n, ...manifests, mbs, replicaCores, machineBusy });
    process.stderr.write(`N=${n}: ${manifests.rps.toFixed(0)} manifest GET/s, ${mbs.toFixed(0)} MB/s\n`);
  }
} finally {
  await balancer?.stop();
  for (const replica of replicas) await replica.stop();
  await etcd?.stop();
  await swift?.stop();
  rmSync(layoutDir, { recursive: true, force: true });
}
const [one, three] = rows;
process.stdout.write(
  [
    `layer: ${layerMb} MiB; wrk: 2 threads, ${connections} connections, ${seconds}s; blob: ${streams} parallel curl streams, median of 3; 1-min load average before each: ${loads.join(', ')}`,
    '',
    '| replicas behind haproxy | manifest GET req/s | cores used by the replicas during wrk | cores busy on the machine during wrk (of 2) | blob GET MB/s |',
    '|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.n} | ${row.rps.toFixed(0)}${row.errors !== '0' ? ` (${row.errors} errors)` : ''} | ${row.replicaCores.toFixed(2)} | ${row.machineBusy.toFixed(2)} | ${row.mbs.toFixed(0)} |`,
    ),
    `| 3 vs 1 | ${(three.rps / one.rps).toFixed(2)}x | | | ${(three.mbs / one.mbs).toFixed(2)}x |`,
    '',
  ].join('\n'),
);
