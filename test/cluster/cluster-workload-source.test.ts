// The trigger controller's cluster source: list-then-watch that lists again after 410 Gone (over
// HTTPS against a small API server that answers as Kubernetes does), and patches that name the
// version they were computed from, retried from a fresh read on Conflict, never undoing a rollback.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import { readFileSync } from 'node:fs';
import { startHarness, type Harness } from '../support/api-harness.ts';
import { pushImage } from '../support/registry-client.ts';
import { makeSelfSignedCertificate } from '../support/tls.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { connectCluster, type ClusterClient } from '../../src/cluster/cluster-connection.ts';
import { loadKubeConfig } from '../../src/cluster/kube-config.ts';
import { clusterWorkloads } from '../../src/cluster/cluster-workload-source.ts';
import { AppError } from '../../src/errors.ts';
import { createLogger } from '../../src/lib/logger.ts';
import type { WorkloadEvent } from '../../src/controllers/image-triggers/workload-source.ts';

type Json = Record<string, any>;
const logger = createLogger({ level: 'error' });
const fieldPath = 'spec.template.spec.containers[?(@.name=="web")].image';
const deployment = (name: string, resourceVersion: string, image: string, applied?: string): Json => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name,
    namespace: 'default',
    resourceVersion,
    annotations: {
      'image.openshift.io/triggers': JSON.stringify([{ from: { kind: 'ImageStreamTag', name: 'app:1.0' }, fieldPath }]),
      ...(applied ? { 'imagestream.io/triggered-images': JSON.stringify({ [fieldPath]: applied }) } : {}),
    },
  },
  spec: { selector: {}, template: { spec: { containers: [{ name: 'web', image, imagePullPolicy: 'Always' }] } } },
});

describe('the cluster workload source', () => {
  let h: Harness;
  let tagImage: string;
  before(async () => {
    h = await startHarness();
    tagImage = `127.0.0.1:8080/default/app@${(await pushImage(h, 'default/app', '1.0', 'app')).digest}`;
  });

  describe('following a kind', () => {
    let server: Server;
    let url: string;
    let ca: string;
    const lists: string[] = [];
    before(async () => {
      const tls = makeSelfSignedCertificate();
      ca = tls.cert;
      // A collection whose history is compacted after the first list: the watch from it answers 410.
      server = createServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, (req, res) => {
        const query = new URL(req.url!, 'https://x').searchParams;
        res.setHeader('content-type', 'application/json');
        if (!req.url!.startsWith('/apis/apps/v1/deployments')) return void res.writeHead(404).end('{}');
        if (query.get('watch') !== 'true') {
          lists.push(req.url!);
          const items = lists.length === 1 ? [deployment('one', '1', 'x')] : [deployment('one', '1', 'x'), deployment('two', '7', 'x')];
          return void res.end(
            JSON.stringify({ kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: { resourceVersion: lists.length === 1 ? '1' : '7' }, items }),
          );
        }
        if (query.get('resourceVersion') === '1') {
          // As Kubernetes answers a watch from a compacted version: 200, then an ERROR event with a 410 Status.
          res.writeHead(200);
          return void res.end(
            `${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 } })}\n`,
          );
        }
        res.writeHead(200);
        res.write('');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    after(() => {
      server.closeAllConnections();
      server.close();
    });

    it('lists again after 410 Gone and sees what it missed', async () => {
      const cluster = connectCluster(await loadKubeConfig({ kubeconfig: writeKubeconfig(url, 'token', ca) }));
      const source = clusterWorkloads({ cluster, store: h.store, mayFollow: async () => false, namespaces: { isConnected: () => true }, logger, retryMs: 10 });
      const stop = new AbortController();
      const events: WorkloadEvent[] = [];
      const seenTwo = new Promise<void>((resolve) =>
        source.follow(
          source.kinds.find((k) => k.kind === 'Deployment')!,
          (event) => {
            events.push(event);
            if (event.key.endsWith('/two')) resolve();
          },
          stop.signal,
        ),
      );
      await seenTwo;
      stop.abort();
      assert.deepEqual(
        events.map((e) => `${e.type} ${e.key}`),
        ['ADDED apps/deployments/default/one', 'ADDED apps/deployments/default/two'],
      );
      assert.equal(lists.length, 2, 'listed once more after the 410');
    });
  });

  describe('refreshing a workload', () => {
    const kind = { kind: 'Deployment', prefix: 'apps/deployments/' };
    /** A cluster of one Deployment whose reads return `versions` in turn and whose first `conflicts` patches are refused. */
    function fakeCluster(versions: Json[], conflicts = 0): { cluster: ClusterClient; patches: Json[] } {
      const patches: Json[] = [];
      let reads = 0;
      const cluster = {
        server: 'https://fake',
        informer: () => {
          throw new Error('not used');
        },
        watch: () => {
          throw new Error('not used');
        },
        async request(method: string, _path: string, options: { body?: unknown } = {}) {
          if (method === 'GET') return structuredClone(versions[Math.min(reads++, versions.length - 1)]);
          assert.equal(method, 'PATCH');
          patches.push(options.body as Json);
          if (patches.length <= conflicts)
            throw new AppError('Conflict', 'the object has been modified; please apply your changes to the latest version and try again');
          return {};
        },
      } as unknown as ClusterClient;
      return { cluster, patches };
    }

    it('patches the container to the tag image at the version it read, and records it', async () => {
      const { cluster, patches } = fakeCluster([deployment('web', '10', 'quay.io/org/app:old')]);
      assert.equal(
        await clusterWorkloads({ cluster, store: h.store, mayFollow: async () => false, namespaces: { isConnected: () => true }, logger }).refresh(
          kind,
          'apps/deployments/default/web',
          new AbortController().signal,
        ),
        true,
      );
      assert.equal(patches.length, 1);
      assert.equal(patches[0].metadata.resourceVersion, '10');
      assert.equal(patches[0].spec.template.spec.containers[0].image, tagImage);
      assert.equal(patches[0].spec.template.spec.containers[0].imagePullPolicy, 'Always');
      assert.deepEqual(JSON.parse(patches[0].metadata.annotations['imagestream.io/triggered-images']), { [fieldPath]: tagImage });
    });

    it('computes the patch again from a fresh read when it conflicts', async () => {
      const { cluster, patches } = fakeCluster([deployment('web', '10', 'quay.io/org/app:old'), deployment('web', '11', 'quay.io/org/app:newer')], 1);
      assert.equal(
        await clusterWorkloads({ cluster, store: h.store, mayFollow: async () => false, namespaces: { isConnected: () => true }, logger }).refresh(
          kind,
          'apps/deployments/default/web',
          new AbortController().signal,
        ),
        true,
      );
      assert.deepEqual(
        patches.map((p) => p.metadata.resourceVersion),
        ['10', '11'],
      );
    });

    it('leaves a container set back by hand alone while its tag stays where it was applied', async () => {
      const { cluster, patches } = fakeCluster([deployment('web', '12', 'quay.io/org/app:rolled-back', tagImage)]);
      assert.equal(
        await clusterWorkloads({ cluster, store: h.store, mayFollow: async () => false, namespaces: { isConnected: () => true }, logger }).refresh(
          kind,
          'apps/deployments/default/web',
          new AbortController().signal,
        ),
        false,
      );
      assert.deepEqual(patches, []);
    });

    it('applies the tag again once it moved past the image last applied', async () => {
      const { cluster, patches } = fakeCluster([deployment('web', '13', 'quay.io/org/app:rolled-back', '127.0.0.1:8080/default/app@sha256:older')]);
      assert.equal(
        await clusterWorkloads({ cluster, store: h.store, mayFollow: async () => false, namespaces: { isConnected: () => true }, logger }).refresh(
          kind,
          'apps/deployments/default/web',
          new AbortController().signal,
        ),
        true,
      );
      assert.equal(patches[0].spec.template.spec.containers[0].image, tagImage);
    });

    it('never patches in a namespace the cluster did not connect', async () => {
      const { cluster, patches } = fakeCluster([deployment('web', '10', 'quay.io/org/app:old')]);
      const source = clusterWorkloads({ cluster, store: h.store, mayFollow: async () => false, namespaces: { isConnected: () => false }, logger });
      assert.equal(await source.refresh(kind, 'apps/deployments/default/web', new AbortController().signal), false);
      assert.deepEqual(patches, []);
    });

    it('does nothing for a workload that is gone', async () => {
      const cluster = {
        request: async () => {
          throw new AppError('NotFound', 'deployments.apps "web" not found');
        },
      } as unknown as ClusterClient;
      assert.equal(
        await clusterWorkloads({ cluster, store: h.store, mayFollow: async () => false, namespaces: { isConnected: () => true }, logger }).refresh(
          kind,
          'apps/deployments/default/web',
          new AbortController().signal,
        ),
        false,
      );
    });
  });
});
