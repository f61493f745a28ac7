// Registry benchmark, side by side with the distribution registry in one run, same image:
// manifest GET req/s (wrk, 32 connections), blob GET MB/s on a 256 MiB layer (1 and 4 streams),
// and push MB/s with skopeo. Needs skopeo, docker-registry, wrk and curl. Blob downloads are curl
// processes (one per stream, like separate pullers) writing to /dev/null, so the client costs little
// and the servers are what is measured; the servers' CPU time per GiB sent is read from /proc.
//   node bench/registry/registry-bench.ts [--layer-mb 256] [--seconds 10]
import { execFile } from 'node:child_process';
import { rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startServer } from '../../test/support/serve-process.ts';
import { startDistribution } from '../../test/support/distribution-registry.ts';
import { buildBigLayout } from '../support/big-layout.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const layerMb = option('layer-mb', 256);
const seconds = option('seconds', 10);

function run(command: string, commandArgs: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, commandArgs, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command}: ${stderr}`)) : resolve(stdout),
    ),
  );
}

/** User plus system CPU seconds a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function blobThroughput(url: string, headers: Record<string, string>, streams: number, serverPid: number): Promise<{ mbs: number; cpuPerGib: number }> {
  const cpuBefore = cpuSeconds(serverPid);
  const started = performance.now();
  const sizes = await Promise.all(
    Array.from({ length: streams }, () =>
      run('curl', ['-sSf', '-o', '/dev/null', '-w', '%{size_download}', ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), url]),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const mib = sizes.reduce((sum, size) => sum + Number(size), 0) / 1024 / 1024;
  return { mbs: mib / seconds, cpuPerGib: (cpuSeconds(serverPid) - cpuBefore) / (mib / 1024) };
}

/** Downloads take well under a second; the median of three damps the noise of a shared machine. */
async function medianOfThree(measure: () => Promise<{ mbs: number; cpuPerGib: number }>): Promise<{ mbs: number; cpuPerGib: number }> {
  const results = [await measure(), await measure(), await measure()].sort((a, b) => a.mbs - b.mbs);
  return results[1];
}

const dir = join(tmpdir(), `ims-registry-bench-${process.pid}`);
buildBigLayout(dir, layerMb);
const ims = await startServer(['--log-level', 'warn']);
const distribution = await startDistribution();
const targets = [
  { name: 'distribution 2.8', host: distribution.host, repo: 'bench/big', headers: {} as Record<string, string>, creds: [] as string[], pid: distribution.pid },
  {
    name: 'imagestream',
    host: ims.url.replace('http://', ''),
    repo: 'default/big',
    headers: { authorization: `Bearer ${ims.adminToken}` },
    creds: ['--dest-creds', `bench:${ims.adminToken}`],
    pid: ims.process.pid!,
  },
];
const rows: string[] = [];
try {
  for (const target of targets) {
    const pushStarted = performance.now();
    await run('skopeo', [
      '--insecure-policy',
      'copy',
      '--dest-tls-verify=false',
      ...target.creds,
      `oci:${dir}:big`,
      `docker://${target.host}/${target.repo}:latest`,
    ]);
    const pushMbs = layerMb / ((performance.now() - pushStarted) / 1000);
    const manifestUrl = `http://${target.host}/v2/${target.repo}/manifests/latest`;
    const accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
    const manifest = await fetch(manifestUrl, { headers: { ...target.headers, accept } });
    const layer = (JSON.parse(await manifest.text()) as { layers: { digest: string }[] }).layers[0].digest;
    const wrkArgs = [
      '-t2',
      '-c32',
      `-d${seconds}s`,
      '-H',
      `Accept: ${accept}`,
      ...Object.entries(target.headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
      manifestUrl,
    ];
    const wrk = await run('wrk', wrkArgs);
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(wrk)?.[1] ?? 0);
    const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(wrk)?.[1] ?? '0';
    const blobUrl = `http://${target.host}/v2/${target.repo}/blobs/${layer}`;
    await blobThroughput(blobUrl, target.headers, 1, target.pid); // warm the page cache for both
    const one = await medianOfThree(() => blobThroughput(blobUrl, target.headers, 1, target.pid));
    const four = await medianOfThree(() => blobThroughput(blobUrl, target.headers, 4, target.pid));
    rows.push(
      `| ${target.name} | ${rps.toFixed(0)}${non2xx !== '0' ? ` (${non2xx} errors)` : ''} | ${one.mbs.toFixed(0)} | ${four.mbs.toFixed(0)} | ${four.cpuPerGib.toFixed(2)} | ${pushMbs.toFixed(0)} |`,
    );
  }
} finally {
  await ims.stop();
  await distribution.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(
  `layer: ${layerMb} MiB, wrk: 2 threads, 32 connections, ${seconds}s\n\n| registry | manifest GET req/s | blob GET MB/s (1 stream) | blob GET MB/s (4 streams) | server CPU s per GiB sent (4 streams) | push MB/s (skopeo) |\n|---|---|---|---|---|---|\n${rows.join('\n')}\n`,
);
