// Webhook benchmark against real peers: the distribution registry notifies a receiver of a real
// `ims serve` (notifications.endpoints) of every push; a stream tag follows the pushed tag and a
// Deployment follows the stream tag through a trigger. For N pushes it measures, from the moment
// the registry answered the manifest PUT, until (1) the stream tag and (2) the Deployment carry the
// new digest, seen through watches; and it counts the requests the server sent the registry for
// each push. Pushes and imports both go through a counting proxy (so the registry's notifications
// name the host the stream follows); the pusher sends only POST, PUT and PATCH.
//   node bench/webhooks/webhook-bench.ts [--pushes 100] [--coalesce 100ms]
import { createHash, randomBytes } from 'node:crypto';
import { startServer } from '../../test/support/serve-process.ts';
import { startDistribution } from '../../test/support/distribution-registry.ts';
import { startRequestTap } from '../../test/support/request-tap.ts';
import { cliSession } from '../../test/support/run-cli.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const pushes = Number(option('pushes', '100'));
const coalesce = option('coalesce', '100ms');
const project = 'bench';

const server = await startServer(['--log-level', 'error', '--webhook-coalesce', coalesce]);
const ims = cliSession();
const run = async (...words: string[]) => {
  const result = await ims.run([...words, '-n', project]);
  if (result.code !== 0) throw new Error(`ims ${words.join(' ')}: ${result.stderr}`);
  return result.stdout;
};
await ims.run(['login', server.url, '--token', server.adminToken]);
await ims.run(['new-project', project]);
const hookUrl = (await run('create', 'webhook', 'registry', '--type', 'distribution')).trim().split('\n').at(-1)!;
const registry = await startDistribution({ notify: hookUrl });
const tap = await startRequestTap(`http://${registry.host}`);
const tapHost = new URL(tap.url).host;
const seen: string[] = [];
// The tap keeps what it saw; read it by waiting for everything matching, in order.
const record = async () => {
  for (;;) seen.push(await tap.nextRequest(/^(HEAD|GET) /));
};
void record();

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
async function pushBlob(data: Buffer): Promise<string> {
  const digest = sha256(data);
  const started = await fetch(`${tap.url}/v2/bench/app/blobs/uploads/`, { method: 'POST' });
  if (started.status !== 202) throw new Error(`upload start: ${started.status}`);
  const location = new URL(started.headers.get('location')!, tap.url);
  location.searchParams.set('digest', digest);
  const done = await fetch(location, { method: 'PUT', body: new Uint8Array(data), headers: { 'content-type': 'application/octet-stream' } });
  if (done.status !== 201) throw new Error(`upload: ${done.status}`);
  return digest;
}
/** Pushes a fresh image as bench/app:1; resolves with its digest and when the registry took the manifest. */
async function pushImage(label: string): Promise<{ digest: string; at: number }> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Env: [`L=${label}`] }, rootfs: { type: 'layers', diff_ids: [] } }));
  const layer = Buffer.from(`layer ${label}`);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: await pushBlob(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: await pushBlob(layer), size: layer.length }],
    }),
  );
  const put = await fetch(`${tap.url}/v2/bench/app/manifests/1`, {
    method: 'PUT',
    body: new Uint8Array(manifest),
    headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  const at = performance.now();
  if (put.status !== 201) throw new Error(`manifest: ${put.status}`);
  return { digest: sha256(manifest), at };
}

/** Calls `onDigest` with each digest the watched objects newly carry, as they arrive. */
async function watchDigests(
  path: string,
  digestsOf: (object: never) => string[],
  onDigest: (digest: string, at: number) => void,
): Promise<() => Promise<void>> {
  const answer = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.adminToken}` } });
  const reader = answer.body!.getReader();
  void (async () => {
    let buffered = '';
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      buffered += new TextDecoder().decode(value);
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) for (const digest of digestsOf((JSON.parse(line) as { object: never }).object)) onDigest(digest, performance.now());
    }
  })();
  return () => reader.cancel();
}

const first = await pushImage('first');
await run('tag', '--source=docker', '--insecure', `${tapHost}/bench/app:1`, 'app:1');
const trigger = JSON.stringify([{ from: { kind: 'ImageStreamTag', name: 'app:1' }, fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image' }]);
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', annotations: { 'image.openshift.io/triggers': trigger } },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'placeholder' }] } },
  },
};
await ims.run(['create', '-f', '-', '-n', project], { stdin: JSON.stringify(deployment) });

// When each digest was first seen on each, so an arrival before anyone waits for it still counts.
const arrived = { stream: new Map<string, number>(), deployment: new Map<string, number>() };
const waiters = { stream: new Map<string, (at: number) => void>(), deployment: new Map<string, (at: number) => void>() };
const note = (kind: 'stream' | 'deployment', digest: string, at: number) => {
  if (arrived[kind].has(digest)) return;
  arrived[kind].set(digest, at);
  waiters[kind].get(digest)?.(at);
};
const stopStreamWatch = await watchDigests(
  `/apis/image.openshift.io/v1/namespaces/${project}/imagestreams?watch=true&fieldSelector=metadata.name%3Dapp`,
  (stream: { status?: { tags?: { tag: string; items?: { image: string }[] }[] } }) =>
    (stream.status?.tags ?? []).filter((t) => t.tag === '1').map((t) => t.items?.[0]?.image ?? ''),
  (digest, at) => note('stream', digest, at),
);
const stopDeploymentWatch = await watchDigests(
  `/apis/apps/v1/namespaces/${project}/deployments?watch=true&fieldSelector=metadata.name%3Dweb`,
  (d: { spec: { template: { spec: { containers: { image: string }[] } } } }) =>
    d.spec.template.spec.containers.map((c) => c.image.slice(c.image.indexOf('@') + 1)),
  (digest, at) => note('deployment', digest, at),
);
const arrival = (kind: 'stream' | 'deployment', digest: string) =>
  new Promise<number>((resolve) => (arrived[kind].has(digest) ? resolve(arrived[kind].get(digest)!) : waiters[kind].set(digest, resolve)));
await arrival('deployment', first.digest);

const streamLatencies: number[] = [];
const deploymentLatencies: number[] = [];
const requestsPerPush: { heads: number; gets: number }[] = [];
for (let i = 0; i < pushes; i++) {
  const label = `push-${i}-${randomBytes(4).toString('hex')}`;
  const before = seen.length;
  const { digest, at } = await pushImage(label);
  const [streamAt, deploymentAt] = await Promise.all([arrival('stream', digest), arrival('deployment', digest)]);
  streamLatencies.push(streamAt - at);
  deploymentLatencies.push(deploymentAt - at);
  // The import is over once the Deployment moved; count what the server asked the registry for this push.
  const asked = seen.slice(before);
  if (i === 0) process.stdout.write(`what the server asked the registry for the first push: ${asked.join(', ')}\n`);
  requestsPerPush.push({ heads: asked.filter((r) => r.startsWith('HEAD ')).length, gets: asked.filter((r) => r.startsWith('GET ')).length });
}
await stopStreamWatch();
await stopDeploymentWatch();
await tap.stop();
await registry.stop();
await server.stop();

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
process.stdout.write(`pushes: ${pushes}; --webhook-coalesce ${coalesce}\n\n| measure | p50 | p99 |\n|---|---|---|\n`);
process.stdout.write(
  `| push → stream tag carries the digest | ${quantile(streamLatencies, 0.5).toFixed(0)} ms | ${quantile(streamLatencies, 0.99).toFixed(0)} ms |\n`,
);
process.stdout.write(
  `| push → triggered Deployment carries the digest | ${quantile(deploymentLatencies, 0.5).toFixed(0)} ms | ${quantile(deploymentLatencies, 0.99).toFixed(0)} ms |\n`,
);
process.stdout.write(
  `\nrequests to the registry per push: HEAD ${mean(requestsPerPush.map((r) => r.heads)).toFixed(2)}, GET ${mean(requestsPerPush.map((r) => r.gets)).toFixed(2)} (min/max GET ${Math.min(...requestsPerPush.map((r) => r.gets))}/${Math.max(...requestsPerPush.map((r) => r.gets))})\n`,
);
