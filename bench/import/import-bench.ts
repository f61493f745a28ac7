// Import benchmark: a 200-tag repository in the distribution registry, imported with `--all`
// (limit lifted) against `skopeo inspect` of every tag in a loop; then the unchanged repository is
// imported again and the requests it costs are counted from the registry's access log.
//   node bench/import/import-bench.ts [--tags 200]
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { startServer } from '../../test/support/serve-process.ts';
import { startDistribution } from '../../test/support/distribution-registry.ts';

const args = process.argv.slice(2);
const tagCount = args.includes('--tags') ? Number(args[args.indexOf('--tags') + 1]) : 200;
const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

const registry = await startDistribution({ accessLog: true });
const put = async (path: string, body: Buffer, type?: string, method = 'PUT') => {
  const response = await fetch(`http://${registry.host}${path}`, { method, body: new Uint8Array(body), headers: type ? { 'content-type': type } : {} });
  if (response.status >= 300) throw new Error(`${path}: ${response.status}`);
};
const uploadBlob = async (content: Buffer) => {
  const started = await fetch(`http://${registry.host}/v2/bench/app/blobs/uploads/`, { method: 'POST' });
  const location = new URL(started.headers.get('location')!, `http://${registry.host}`);
  location.searchParams.set('digest', sha256(content));
  await put(location.pathname + location.search, content);
};
const layer = Buffer.from('shared layer');
await uploadBlob(layer);
for (let i = 0; i < tagCount; i++) {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Env: [`N=${i}`] } }));
  await uploadBlob(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: sha256(layer), size: layer.length }],
    }),
  );
  await put(`/v2/bench/app/manifests/t${i}`, manifest, 'application/vnd.docker.distribution.manifest.v2+json');
}

const run = (command: string, commandArgs: string[]) =>
  new Promise<string>((resolve, reject) => execFile(command, commandArgs, (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout))));
const skopeoStarted = performance.now();
for (let i = 0; i < tagCount; i++) await run('skopeo', ['inspect', '--tls-verify=false', `docker://${registry.host}/bench/app:t${i}`]);
const skopeoSeconds = (performance.now() - skopeoStarted) / 1000;

const ims = await startServer(['--max-images-bulk-imported-per-repository', '-1', '--log-level', 'warn']);
const importAll = async () => {
  const started = performance.now();
  const response = await fetch(`${ims.url}/apis/image.openshift.io/v1/namespaces/default/imagestreamimports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ims.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      metadata: { name: 'bench' },
      spec: { import: true, repository: { from: { kind: 'DockerImage', name: `${registry.host}/bench/app` }, importPolicy: { insecure: true } } },
    }),
  });
  const body = (await response.json()) as { status: { repository: { images: { status: { status: string } }[] } } };
  const ok = body.status.repository.images.filter((i) => i.status.status === 'Success').length;
  return { seconds: (performance.now() - started) / 1000, ok };
};
const countRequests = () =>
  registry
    .log()
    .split('\n')
    .filter((line) => /"(GET|HEAD) \/v2\/bench\/app\/(manifests|blobs)\//.test(line)).length;
const first = await importAll();
const beforeSecond = countRequests();
const second = await importAll();
const secondRequests = countRequests() - beforeSecond;
await ims.stop();
await registry.stop();
process.stdout.write(`tags: ${tagCount}\n\n| run | seconds | tags imported | manifest/blob requests |\n|---|---|---|---|\n`);
process.stdout.write(`| skopeo inspect, one tag at a time | ${skopeoSeconds.toFixed(2)} | ${tagCount} | - |\n`);
process.stdout.write(`| ims import --all (first) | ${first.seconds.toFixed(2)} (${(first.seconds / skopeoSeconds).toFixed(2)}x skopeo) | ${first.ok} | - |\n`);
process.stdout.write(
  `| ims import --all (unchanged) | ${second.seconds.toFixed(2)} (${(second.seconds / skopeoSeconds).toFixed(2)}x skopeo) | ${second.ok} | ${secondRequests} (${(secondRequests / tagCount).toFixed(2)} per tag) |\n`,
);
