// Push throughput onto S3: skopeo pushes the same kind of image (one random layer of --layer-mb MiB)
// to `ims serve --blobs s3` and to the distribution registry with its own S3 driver, both on one
// Swift (s3api) on loopback, each into a bucket of its own, alternating which goes first, a fresh
// layer every run so that neither can skip or mount it. Everything shares this machine's cores.
// Usage: node bench/s3/s3-push-bench.ts [--layer-mb 256] [--runs 3]
import { execFile } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, openSync, writeSync, closeSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startServer, type RunningServer } from '../../test/support/serve-process.ts';
import { startDistribution } from '../../test/support/distribution-registry.ts';
import { startSwift } from '../../test/support/swift.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const layerMb = option('layer-mb', 256);
const runs = option('runs', 3);

/** An OCI layout in `dir` with tag `big`: one random layer, its config and manifest. */
function buildLayout(dir: string): void {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const hash = createHash('sha256');
  const temp = join(dir, 'layer.tmp');
  const fd = openSync(temp, 'w');
  for (let i = 0; i < layerMb; i++) {
    const chunk = randomBytes(1024 * 1024);
    hash.update(chunk);
    writeSync(fd, chunk);
  }
  closeSync(fd);
  const layer = hash.digest('hex');
  renameSync(temp, join(dir, 'blobs', 'sha256', layer));
  const put = (bytes: Buffer) => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(dir, 'blobs', 'sha256', hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const config = put(
    Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${layer}`] }, config: {} })),
  );
  const manifest = put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${layer}`, size: layerMb * 1024 * 1024 }],
      }),
    ),
  );
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'big' } }],
    }),
  );
}

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
      buildLayout(dir);
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
