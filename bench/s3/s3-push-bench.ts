// Push throughput onto S3: skopeo pushes the same kind of image (one random layer of --layer-mb MiB)
// to `ims serve --blobs s3` and to the distribution registry with its own S3 driver, both on one
// Swift (s3api) on loopback, each into a bucket of its own, alternating which goes first, a fresh
// layer every run so that neither can skip or mount it. Everything shares this machine's cores.
// Usage: node bench/s3/s3-push-bench.ts [--layer-mb 256] [--runs 3]
import { execFile } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startServer, type RunningServer } from '../../test/support/serve-process.ts';
import { startDistribution } from '../../test/support/distribution-registry.ts';
import { startSwift } from '../../test/support/swift.ts';
import { buildBigLayout } from '../support/big-layout.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const layerMb = option('layer-mb', 256);
const runs = option('runs', 3);

function run(command: string, commandArgs: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, commandArgs, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command}: ${stderr}`)) : resolve(stdout),
    ),
  );
}

const swift = await startSwift();
const secretFile = join(tmpdir(), `ims-s3-bench-secret-${process.pid}`);
let ims: RunningServer | undefined;
let distribution: Awaited<ReturnType<typeof startDistribution>> | undefined;
const rows: string[] = [];
const totals = new Map<string, number[]>();
const targets: { name: string; host: string; repo: string; creds: string[] }[] = [];
try {
  const [imsBucket, distributionBucket] = [await swift.createBucket('ims'), await swift.createBucket('distribution')];
  writeFileSync(secretFile, swift.secretAccessKey, { mode: 0o600 });
  ims = await startServer([
    '--log-level',
    'warn',
    '--blobs',
    's3',
    '--s3-endpoint',
    swift.endpoint,
    '--s3-bucket',
    imsBucket,
    '--s3-access-key-id',
    swift.accessKeyId,
    '--s3-secret-access-key-file',
    secretFile,
  ]);
  distribution = await startDistribution({ s3: { ...swift, bucket: distributionBucket } });
  targets.push(
    { name: 'distribution 2.8 (storage.s3)', host: distribution.host, repo: 'bench/big', creds: [] },
    { name: 'imagestream (--blobs s3)', host: ims.url.replace('http://', ''), repo: 'default/big', creds: ['--dest-creds', `bench:${ims.adminToken}`] },
  );
  for (let i = 1; i <= runs; i++) {
    const order = i % 2 === 1 ? targets : [...targets].reverse();
    for (const target of order) {
      const dir = join(tmpdir(), `ims-s3-bench-${process.pid}-${i}-${target.repo.replace('/', '-')}`);
      buildBigLayout(dir, layerMb);
      const started = performance.now();
      await run('skopeo', [
        '--insecure-policy',
        'copy',
        '--dest-tls-verify=false',
        ...target.creds,
        `oci:${dir}:big`,
        `docker://${target.host}/${target.repo}${i}:latest`,
      ]);
      const mbs = layerMb / ((performance.now() - started) / 1000);
      rmSync(dir, { recursive: true, force: true });
      totals.set(target.name, [...(totals.get(target.name) ?? []), mbs]);
      rows.push(`| ${i} | ${target.name} | ${mbs.toFixed(0)} |`);
    }
  }
} finally {
  await ims?.stop();
  await distribution?.stop();
  await swift.stop();
  rmSync(secretFile, { force: true });
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const [theirs, ours] = targets.map((target) => median(totals.get(target.name) ?? [0]));
process.stdout.write(
  `layer: ${layerMb} MiB, ${runs} runs, one Swift for both\n\n| run | registry | push MB/s (skopeo) |\n|---|---|---|\n${rows.join('\n')}\n\nmedian: distribution ${theirs.toFixed(0)} MB/s, imagestream ${ours.toFixed(0)} MB/s (${(ours / theirs).toFixed(2)}x)\n`,
);
