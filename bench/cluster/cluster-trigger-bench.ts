// Trigger latency on a connected cluster: a hub `ims serve --kubeconfig` and a stand-in cluster (a
// second `ims serve`, over TLS); the time from a tag change on the hub (an ImageStreamMapping) to a
// watch of the cluster showing its Deployment patched to the new digest, over N changes.
//   node bench/cluster/cluster-trigger-bench.ts [--changes 200]
import { randomBytes } from 'node:crypto';
import { freePort, startServer } from '../../test/support/serve-process.ts';
import { pushOverHttp } from '../../test/support/http-push.ts';
import { makeSelfSignedCertificate } from '../../test/support/tls.ts';
import { writeKubeconfig } from '../../test/support/kubeconfig.ts';

const args = process.argv.slice(2);
const changes = Number(args.includes('--changes') ? args[args.indexOf('--changes') + 1] : '200');

const tls = makeSelfSignedCertificate();
const clusterTls = await freePort();
const cluster = await startServer(['--listen-tls', `127.0.0.1:${clusterTls}`, '--tls-cert', tls.cert, '--tls-key', tls.key, '--log-level', 'error']);
const hub = await startServer(['--kubeconfig', writeKubeconfig(`https://127.0.0.1:${clusterTls}`, cluster.adminToken, tls.cert), '--log-level', 'error']);
const call = (server: typeof hub, method: string, path: string, body?: unknown) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
await call(cluster, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench', labels: { 'imagestream.io/connected': 'true' } } });
await call(hub, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
await call(hub, 'POST', '/apis/image.openshift.io/v1/namespaces/bench/imagestreams', { metadata: { name: 'app' }, spec: {} });
const trigger = JSON.stringify([{ from: { kind: 'ImageStreamTag', name: 'app:prod' }, fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image' }]);
await call(cluster, 'POST', '/apis/apps/v1/namespaces/bench/deployments', {
  metadata: { name: 'web', annotations: { 'image.openshift.io/triggers': trigger } },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'placeholder' }] } },
  },
});

const watch = await fetch(`${cluster.url}/apis/apps/v1/namespaces/bench/deployments?watch=true&fieldSelector=metadata.name%3Dweb`, {
  headers: { authorization: `Bearer ${cluster.adminToken}` },
});
const reader = watch.body!.getReader();
const waiting = new Map<string, (at: number) => void>();
void (async () => {
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffered += new TextDecoder().decode(value);
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const image = (JSON.parse(line) as { object: { spec: { template: { spec: { containers: { image: string }[] } } } } }).object.spec.template.spec
        .containers[0].image;
      waiting.get(image.slice(image.indexOf('@') + 1))?.(performance.now());
    }
  }
})();
const latencies: number[] = [];
for (let i = 0; i < changes; i++) {
  const digest = await pushOverHttp(hub.url, hub.adminToken, 'bench/app', undefined, `change-${i}-${randomBytes(4).toString('hex')}`);
  const seen = new Promise<number>((resolve) => waiting.set(digest, resolve));
  const started = performance.now();
  const answer = await call(hub, 'POST', '/apis/image.openshift.io/v1/namespaces/bench/imagestreammappings', {
    metadata: { name: 'app' },
    tag: 'prod',
    image: { metadata: { name: digest } },
  });
  if (answer.status >= 300) throw new Error(`mapping failed: ${answer.status} ${await answer.text()}`);
  latencies.push((await seen) - started);
  waiting.delete(digest);
}
await reader.cancel();
await hub.stop();
await cluster.stop();
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
process.stdout.write(`changes: ${changes}\n\n| measure | result |\n|---|---|\n`);
process.stdout.write(`| tag change on the hub → cluster Deployment patched, p50 | ${at(0.5).toFixed(1)} ms |\n`);
process.stdout.write(`| tag change on the hub → cluster Deployment patched, p99 | ${at(0.99).toFixed(1)} ms |\n`);
process.stdout.write(`| slowest | ${latencies.at(-1)!.toFixed(1)} ms |\n`);
