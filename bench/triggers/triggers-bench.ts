// Trigger and scheduler benchmark against a real `ims serve`:
//  1. p50/p99 time from a tag change (an ImageStreamMapping) to the triggered Deployment carrying the
//     new image, seen through a watch, over N changes;
//  2. CPU the server uses per import interval to keep T scheduled tags checked (HEAD against an
//     in-process upstream that never changes), as a share of one core.
//   node bench/triggers/triggers-bench.ts [--changes 1000] [--tags 10000] [--interval 60s]
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startServer } from '../../test/support/serve-process.ts';
import { putImage, startFakeUpstream } from '../../test/support/fake-upstream.ts';
import { pushOverHttp } from '../../test/support/http-push.ts';
import { parseDuration } from '../../src/lib/duration.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const changes = Number(option('changes', '1000'));
const tagCount = Number(option('tags', '10000'));
const intervalMs = parseDuration(option('interval', '60s'))!;

const upstream = await startFakeUpstream();
putImage(upstream, 'bench/app', 'v1', 'bench');
const server = await startServer(['--import-interval', `${intervalMs / 1000}s`, '--max-scheduled-imports-per-minute', '0', '--log-level', 'error']);
const auth = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
const api = (method: string, path: string, body?: unknown) =>
  fetch(`${server.url}${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });

// 1. Trigger latency.
await api('POST', '/apis/image.openshift.io/v1/namespaces/default/imagestreams', { metadata: { name: 'app' }, spec: {} });
const trigger = JSON.stringify([{ from: { kind: 'ImageStreamTag', name: 'app:prod' }, fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image' }]);
await api('POST', '/apis/apps/v1/namespaces/default/deployments', {
  metadata: { name: 'web', annotations: { 'image.openshift.io/triggers': trigger } },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'placeholder' }] } },
  },
});
const watch = await fetch(`${server.url}/apis/apps/v1/namespaces/default/deployments?watch=true&fieldSelector=metadata.name%3Dweb`, { headers: auth });
const reader = watch.body!.getReader();
let buffered = '';
const waiting = new Map<string, (at: number) => void>();
void (async () => {
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffered += new TextDecoder().decode(value);
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const image = (JSON.parse(line) as { object: { spec: { template: { spec: { containers: { image: string }[] } } } } }).object.spec.template.spec
        .containers[0].image;
      const digest = image.slice(image.indexOf('@') + 1);
      waiting.get(digest)?.(performance.now());
    }
  }
})();
const latencies: number[] = [];
// A mapping tags only what the repository holds, so each change first pushes a new image by digest (untimed).
for (let i = 0; i < changes; i++) {
  const digest = await pushOverHttp(server.url, server.adminToken, 'default/app', undefined, `change-${i}-${randomBytes(4).toString('hex')}`);
  const seen = new Promise<number>((resolve) => waiting.set(digest, resolve));
  const started = performance.now();
  const answer = await api('POST', '/apis/image.openshift.io/v1/namespaces/default/imagestreammappings', {
    metadata: { name: 'app' },
    tag: 'prod',
    image: { metadata: { name: digest } },
  });
  if (answer.status >= 300) throw new Error(`mapping failed: ${answer.status} ${await answer.text()}`);
  latencies.push((await seen) - started);
  waiting.delete(digest);
}
await reader.cancel();
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];

// 2. Scheduler CPU for many scheduled tags.
const perStream = 100;
const streams = Math.ceil(tagCount / perStream);
for (let s = 0; s < streams; s++) {
  const tags = Array.from({ length: Math.min(perStream, tagCount - s * perStream) }, (_, t) => ({
    name: `t${t}`,
    from: { kind: 'DockerImage', name: `${upstream.host}/bench/app:v1` },
    importPolicy: { scheduled: true, insecure: true },
  }));
  await api('POST', '/apis/image.openshift.io/v1/namespaces/default/imagestreams', { metadata: { name: `sched-${s}` }, spec: { tags } });
}
const importedAll = async () => {
  const list = (await (await api('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreams')).json()) as {
    items: { metadata: { name: string }; status?: { tags?: { items?: unknown[] }[] } }[];
  };
  return list.items.filter((i) => i.metadata.name.startsWith('sched-')).reduce((n, i) => n + (i.status?.tags?.filter((t) => t.items?.length).length ?? 0), 0);
};
const importStarted = performance.now();
while ((await importedAll()) < tagCount) await new Promise((resolve) => setTimeout(resolve, 1000));
const importSeconds = (performance.now() - importStarted) / 1000;
// Let the first round of checks start, then measure a whole interval.
await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, 5000)));
const cpuOf = () => {
  const fields = readFileSync(`/proc/${server.process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const headsBefore = upstream.requests.filter((r) => r.startsWith('HEAD ')).length;
const cpuBefore = cpuOf();
await new Promise((resolve) => setTimeout(resolve, intervalMs));
const cpuSeconds = cpuOf() - cpuBefore;
const heads = upstream.requests.filter((r) => r.startsWith('HEAD ')).length - headsBefore;
await server.stop();
await upstream.stop();
process.stdout.write(`changes: ${changes}; scheduled tags: ${tagCount} in ${streams} streams; interval: ${intervalMs / 1000}s\n\n`);
process.stdout.write(`| measure | result |\n|---|---|\n`);
process.stdout.write(`| tag change → workload updated, p50 | ${at(0.5).toFixed(1)} ms |\n| tag change → workload updated, p99 | ${at(0.99).toFixed(1)} ms |\n`);
process.stdout.write(`| first import of all scheduled tags | ${importSeconds.toFixed(1)} s |\n`);
process.stdout.write(
  `| HEAD checks in one interval | ${heads} |\n| server CPU in one interval | ${cpuSeconds.toFixed(2)} s (${((cpuSeconds / (intervalMs / 1000)) * 100).toFixed(1)}% of one core) |\n`,
);
