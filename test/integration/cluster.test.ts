// End to end with a cluster: a hub `ims serve --kubeconfig` connected to a stand-in cluster (a
// second `ims serve`, embedded, which serves the Kubernetes workload, Secret and ServiceAccount
// APIs over HTTP, so the official client's real list, watch and patch run against it). No real
// kube-apiserver runs here: the webhook is called as one calls it, with an AdmissionReview.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { makeTempDir } from '../support/temp-dir.ts';
import { Agent, fetch as undiciFetch } from 'undici';
import { freePort, startServer, type RunningServer } from '../support/serve-process.ts';
import { makeSelfSignedCertificate } from '../support/tls.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { pushOverHttp } from '../support/http-push.ts';
import { cliSession } from '../support/run-cli.ts';
import { applyJsonPatch } from '../support/json-patch-apply.ts';

type Json = Record<string, any>;

async function api(
  server: RunningServer,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.adminToken}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

/** Watches `path` from `resourceVersion` and resolves with the first object `matches` takes; every object seen goes to `seen`. */
async function awaitWatched(server: RunningServer, path: string, resourceVersion: string, matches: (o: Json) => boolean, seen: Json[] = []): Promise<Json> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 60_000);
  try {
    const response = await fetch(`${server.url}${path}${path.includes('?') ? '&' : '?'}watch=true&resourceVersion=${resourceVersion}`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
      signal: controller.signal,
    });
    assert.equal(response.status, 200);
    let buffered = '';
    for await (const chunk of response.body!) {
      buffered += Buffer.from(chunk).toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines.filter(Boolean)) {
        const event = JSON.parse(line) as { type: string; object: Json };
        seen.push(event.object);
        if (matches(event.object)) return event.object;
      }
    }
    throw new Error(`the watch of ${path} ended before a matching object; saw ${JSON.stringify(seen.map((o) => o.metadata?.resourceVersion))}`);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

const imageOf = (deployment: Json) => deployment.spec.template.spec.containers[0].image as string;

describe('a hub connected to a cluster', () => {
  let cluster: RunningServer;
  let hub: RunningServer;
  let tlsPort: number;
  let ca: string;
  const ims = cliSession();
  const digests: string[] = [];
  const deploymentPath = '/apis/apps/v1/namespaces/demo/deployments';

  before(async () => {
    const tls = makeSelfSignedCertificate();
    ca = readFileSync(tls.cert, 'utf8');
    // The official client talks TLS only: the stand-in serves it beside the plain listener these tests use.
    const clusterTlsPort = await freePort();
    cluster = await startServer(['--listen-tls', `127.0.0.1:${clusterTlsPort}`, '--tls-cert', tls.cert, '--tls-key', tls.key]);
    // demo is connected by its cluster's administrator; private, of the same name as a project on the hub, is not.
    assert.equal(
      (await api(cluster, 'POST', '/api/v1/namespaces', { metadata: { name: 'demo', labels: { 'imagestream.io/connected': 'true' } } })).status,
      201,
    );
    assert.equal((await api(cluster, 'POST', '/api/v1/namespaces', { metadata: { name: 'private' } })).status, 201);
    tlsPort = await freePort();
    hub = await startServer([
      '--kubeconfig',
      writeKubeconfig(`https://127.0.0.1:${clusterTlsPort}`, cluster.adminToken, tls.cert),
      '--listen-tls',
      `127.0.0.1:${tlsPort}`,
      '--tls-cert',
      tls.cert,
      '--tls-key',
      tls.key,
    ]);
    for (const project of ['demo', 'other', 'private'])
      assert.equal((await api(hub, 'POST', '/api/v1/namespaces', { metadata: { name: project } })).status, 201);
    digests.push(await pushOverHttp(hub.url, hub.adminToken, 'demo/app', 'latest', 'v1'));
    await pushOverHttp(hub.url, hub.adminToken, 'other/secret-app', 'latest', 'other');
    assert.equal((await ims.run(['login', hub.url, '--token', hub.adminToken])).code, 0);
  });

  after(async () => {
    await hub?.stop();
    await cluster?.stop();
  });

  it('resolves a new Deployment through the webhook, rolls it on a push, leaves a hand rollback alone, and prune keeps its image', async () => {
    const printed = await ims.run(['adm', 'cluster', 'webhook-config', '-o', 'json']);
    assert.equal(printed.code, 0, printed.stderr);
    const configuration = JSON.parse(printed.stdout) as Json;
    const webhook = configuration.webhooks[0];
    assert.equal(configuration.kind, 'MutatingWebhookConfiguration');
    assert.equal(webhook.failurePolicy, 'Ignore');
    assert.deepEqual(webhook.namespaceSelector.matchLabels, { 'imagestream.io/connected': 'true' });
    assert.equal(Buffer.from(webhook.clientConfig.caBundle, 'base64').toString(), ca);
    assert.match(webhook.clientConfig.url, new RegExp(`^https://127\\.0\\.0\\.1:${tlsPort}/admission/[^/]+/images$`));
    // For a Service in front of ims, as YAML for kubectl apply, with the CA the cluster should trust.
    const caFile = join(makeTempDir('ims-ca'), 'ca.crt');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const forService = await ims.run(['adm', 'cluster', 'webhook-config', '--service', 'imagestream/imagestream:8443', '--ca-bundle', caFile]);
    assert.equal(forService.code, 0, forService.stderr);
    const parsedService = parse(forService.stdout) as Json;
    assert.deepEqual(
      { ...parsedService.webhooks[0].clientConfig.service, path: undefined },
      { namespace: 'imagestream', name: 'imagestream', port: 8443, path: undefined },
    );
    assert.equal(parsedService.webhooks[0].clientConfig.service.path, new URL(webhook.clientConfig.url).pathname);
    assert.equal(Buffer.from(parsedService.webhooks[0].clientConfig.caBundle, 'base64').toString(), readFileSync(caFile, 'utf8'));

    // The Deployment as the API server hands it to the webhook on create: defaulted (imagePullPolicy
    // Always for an untagged name), in an AdmissionReview v1 as the Kubernetes API reference shows it.
    const deployment: Json = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: 'demo',
        annotations: {
          'image.openshift.io/triggers': JSON.stringify([
            { from: { kind: 'ImageStreamTag', name: 'app:latest' }, fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image' },
          ]),
        },
      },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'web', image: 'app', imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', resources: {} }],
            restartPolicy: 'Always',
            dnsPolicy: 'ClusterFirst',
          },
        },
      },
    };
    const review = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
        kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
        resource: { group: 'apps', version: 'v1', resource: 'deployments' },
        requestKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
        requestResource: { group: 'apps', version: 'v1', resource: 'deployments' },
        name: 'web',
        namespace: 'demo',
        operation: 'CREATE',
        userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
        object: deployment,
        oldObject: null,
        dryRun: false,
        options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
      },
    };
    const answer = await undiciFetch(webhook.clientConfig.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(review),
      dispatcher: new Agent({ connect: { ca: Buffer.from(webhook.clientConfig.caBundle, 'base64').toString() } }),
    });
    assert.equal(answer.status, 200);
    const reviewed = (await answer.json()) as Json;
    assert.equal(reviewed.response.uid, review.request.uid);
    assert.equal(reviewed.response.allowed, true);
    assert.equal(reviewed.response.patchType, 'JSONPatch');
    const admitted = applyJsonPatch(deployment, JSON.parse(Buffer.from(reviewed.response.patch, 'base64').toString())) as Json;
    const v1 = `127.0.0.1:${hub.port}/demo/app@${digests[0]}`;
    assert.equal(imageOf(admitted), v1);
    assert.equal(admitted.spec.template.spec.containers[0].imagePullPolicy, 'Always');

    // What the API server then stores; the hub's trigger controller follows it from here.
    const created = await api(cluster, 'POST', deploymentPath, admitted);
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const listed = await ims.run(['get', 'deploy', '-n', 'demo', '-o', 'wide']);
    assert.match(listed.stdout, new RegExp(`^web\\s.*${digests[0]}`, 'm'), 'ims get deploy shows the cluster Deployment');
    const unconnected = await ims.run(['get', 'deploy', '-n', 'private']);
    assert.match(
      unconnected.stderr,
      /the cluster namespace "private" is not connected to this server: a cluster administrator labels it imagestream.io\/connected=true/,
    );
    const missing = await ims.run(['get', 'deploy/absent', '-n', 'demo']);
    assert.match(missing.stderr, /deployments.apps "absent" not found/);

    digests.push(await pushOverHttp(hub.url, hub.adminToken, 'demo/app', 'latest', 'v2'));
    // Watched through the hub, whose API passes the watch on to the cluster.
    const rolled = await awaitWatched(hub, `${deploymentPath}?fieldSelector=metadata.name=web`, created.json.metadata.resourceVersion, (o) =>
      imageOf(o).endsWith(digests[1]),
    );
    assert.equal(imageOf(rolled), `127.0.0.1:${hub.port}/demo/app@${digests[1]}`);

    // Rolled back by hand: it stays so until the tag moves again.
    const rollback = await api(
      cluster,
      'PATCH',
      `${deploymentPath}/web`,
      { spec: { template: { spec: { containers: [{ name: 'web', image: v1, imagePullPolicy: 'Always' }] } } } },
      'application/merge-patch+json',
    );
    assert.equal(rollback.status, 200, JSON.stringify(rollback.json));
    digests.push(await pushOverHttp(hub.url, hub.adminToken, 'demo/app', 'latest', 'v3'));
    const seen: Json[] = [];
    await awaitWatched(
      cluster,
      `${deploymentPath}?fieldSelector=metadata.name=web`,
      rollback.json.metadata.resourceVersion,
      (o) => imageOf(o).endsWith(digests[2]),
      seen,
    );
    assert.deepEqual(
      seen.map((o) => imageOf(o).split('@')[1]).filter((digest) => digest === digests[1]),
      [],
      'the hand rollback was not reverted to the tag image it replaced',
    );

    // Prune sees what the cluster runs, in every namespace: with no revisions kept, only the images
    // the Deployments use stay (one in a namespace ims does not act in, but whose pods pull from it).
    const elsewhere = structuredClone(admitted);
    elsewhere.metadata = { name: 'old', namespace: 'private' };
    elsewhere.spec.template.spec.containers[0].image = `127.0.0.1:${hub.port}/demo/app@${digests[1]}`;
    assert.equal((await api(cluster, 'POST', '/apis/apps/v1/namespaces/private/deployments', elsewhere)).status, 201);
    const pruned = await ims.run(['adm', 'prune', 'images', '--keep-tag-revisions=0', '--keep-younger-than=0s']);
    assert.equal(pruned.code, 0, pruned.stderr);
    const deleting = pruned.stdout.slice(pruned.stdout.indexOf('Deleting images'));
    assert.ok(deleting.includes(digests[0]), pruned.stdout);
    assert.ok(
      !pruned.stdout.includes(digests[1]) && !pruned.stdout.includes(digests[2]),
      `the images the cluster's Deployments use are kept:\n${pruned.stdout}`,
    );

    // The trigger commands act on the cluster's object.
    const listedTriggers = await ims.run(['set', 'triggers', 'deploy/web', '-n', 'demo']);
    assert.match(listedTriggers.stdout, /deployments\/web\s+image\s+app:latest \(web\)\s+true/, listedTriggers.stderr);
    const paused = await ims.run(['set', 'triggers', 'deploy/web', '-n', 'demo', '--from-image', 'app:latest', '-c', 'web', '--manual']);
    assert.equal(paused.code, 0, paused.stderr);
    const lookup = await ims.run(['set', 'image-lookup', 'deploy/web', '-n', 'demo']);
    assert.equal(lookup.code, 0, lookup.stderr);
    const stored = await api(cluster, 'GET', `${deploymentPath}/web`);
    assert.equal(JSON.parse(stored.json.metadata.annotations['image.openshift.io/triggers'])[0].paused, true);
    assert.equal(stored.json.spec.template.metadata.annotations['alpha.image.policy.openshift.io/resolve-names'], '*');
  });

  it("links a registry pull secret to the namespace's default service account, which pulls from its project only", async () => {
    const account = await awaitWatched(cluster, '/api/v1/namespaces/demo/serviceaccounts?fieldSelector=metadata.name=default', '0', (o) =>
      (o.imagePullSecrets ?? []).some((s: Json) => s.name === 'ims-registry-pull'),
    );
    assert.ok(account);
    const secret = await api(cluster, 'GET', '/api/v1/namespaces/demo/secrets/ims-registry-pull');
    assert.equal(secret.json.type, 'kubernetes.io/dockerconfigjson');
    const config = JSON.parse(Buffer.from(secret.json.data['.dockerconfigjson'], 'base64').toString()) as Json;
    const entry = config.auths[`127.0.0.1:${hub.port}`];
    const pull = (repository: string) =>
      fetch(`${hub.url}/v2/${repository}/manifests/latest`, {
        headers: { authorization: `Basic ${entry.auth}`, accept: 'application/vnd.docker.distribution.manifest.v2+json' },
      });
    assert.equal((await pull('demo/app')).status, 200);
    assert.ok([401, 403].includes((await pull('other/secret-app')).status), 'the credential is scoped to its project');
  });
});
