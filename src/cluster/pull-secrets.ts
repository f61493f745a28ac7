// Keeps, in every connected namespace of the cluster (labelled so, with a project of its name here), a
// kubernetes.io/dockerconfigjson Secret for this server's registry and links it to the namespace's
// `default` service account, as OpenShift's dockercfg secrets are linked, so pods pull from the
// integrated registry with no manual step. The credential is a token of a service account of the
// project made for this alone (it may pull from its project, as every account there may, and no
// more), issued for a day and replaced after half of it; the replaced token lives out its day, so
// pods starting meanwhile still pull. A namespace annotated imagestream.io/pull-secret=false is left alone.
import { randomUUID } from 'node:crypto';
import type { ResourceStore } from '../store/resource-store.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { KubeObject } from '../kube/object.ts';
import type { Reconciler } from '../controllers/runtime/reconciler.ts';
import type { ClusterClient } from './cluster-connection.ts';
import type { ConnectedNamespaces } from './connected-namespaces.ts';
import { isAppError, retryOnConflict, unlessNotFound } from '../errors.ts';
import { objectKey } from '../kube/object.ts';
import { WorkQueue } from '../controllers/runtime/work-queue.ts';
import { runWorkers } from '../controllers/runtime/reconciler.ts';
import { watchSource } from '../controllers/runtime/watch-source.ts';

export const pullSecretName = 'ims-registry-pull';
export const pullerAccountName = 'cluster-image-puller';
export const optOutAnnotation = 'imagestream.io/pull-secret';
const expiresAnnotation = 'imagestream.io/credential-expires';
const tokenTtlSeconds = 24 * 3600;

export interface PullSecretDeps {
  readonly cluster: ClusterClient;
  readonly store: ResourceStore;
  readonly tokens: Pick<TokenService, 'issue'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly namespaces: Pick<ConnectedNamespaces, 'isConnected' | 'onChange'>;
  /** The registry host pull specs name (the secret's only entry). */
  readonly registryHost: string;
}

export class PullSecretController implements Reconciler {
  readonly name = 'cluster-pull-secrets';
  private readonly deps: PullSecretDeps;
  private readonly queue = new WorkQueue();

  constructor(deps: PullSecretDeps) {
    this.deps = deps;
  }

  run(signal: AbortSignal): void {
    this.deps.namespaces.onChange((namespace) => !signal.aborted && this.queue.add(namespace));
    // A project made here after its namespace in the cluster connects it too.
    const projects = objectKey('', 'namespaces', '', '');
    void watchSource(this.deps.store, projects, (event) => event.type !== 'DELETED' && this.queue.add(event.key.slice(projects.length)), {
      signal,
      logger: this.deps.logger,
    });
    void runWorkers(this, this.queue, { workers: 2, signal, logger: this.deps.logger });
  }

  async reconcile(namespace: string, signal: AbortSignal): Promise<{ requeueAfterMs?: number }> {
    const { cluster, store } = this.deps;
    // Connected: labelled so in the cluster, with a project of the same name here.
    if (!this.deps.namespaces.isConnected(namespace) || !(await unlessNotFound(store.get(objectKey('', 'namespaces', '', namespace))))) return {};
    const clusterNamespace = await unlessNotFound(cluster.request('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}`, { signal }));
    if (!clusterNamespace || clusterNamespace.metadata?.annotations?.[optOutAnnotation] === 'false') return {};
    const secretPath = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${pullSecretName}`;
    const existing = await unlessNotFound(cluster.request('GET', secretPath, { signal }));
    const now = this.deps.clock.now().getTime();
    const expires = Date.parse(existing?.metadata?.annotations?.[expiresAnnotation] ?? '');
    const freshFor = Number.isNaN(expires) ? 0 : expires - now - (tokenTtlSeconds * 1000) / 2;
    if (!existing || freshFor <= 0 || !this.namesRegistry(existing)) {
      const secret = await this.secret(namespace, now);
      if (existing)
        await cluster.request('PUT', secretPath, {
          body: { ...secret, metadata: { ...secret.metadata, resourceVersion: existing.metadata?.resourceVersion } },
          signal,
        });
      else await cluster.request('POST', `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`, { body: secret, signal });
      this.deps.logger.info('wrote the registry pull secret of a cluster namespace', { namespace, secret: pullSecretName });
    }
    await this.linkToDefault(namespace, signal);
    // Come back when the credential is due for replacement.
    return { requeueAfterMs: Math.max(freshFor, (tokenTtlSeconds * 1000) / 2) };
  }

  private namesRegistry(secret: KubeObject): boolean {
    try {
      const config = JSON.parse(Buffer.from(String((secret.data as Record<string, string>)?.['.dockerconfigjson'] ?? ''), 'base64').toString());
      return Object.keys(config.auths ?? {}).includes(this.deps.registryHost);
    } catch {
      return false;
    }
  }

  private async secret(namespace: string, now: number): Promise<KubeObject> {
    const token = await this.deps.tokens.issue({ kind: 'serviceaccount', namespace, name: await this.pullerAccount(namespace) }, tokenTtlSeconds);
    const auth = { username: 'serviceaccount', password: token, auth: Buffer.from(`serviceaccount:${token}`).toString('base64') };
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockerconfigjson',
      metadata: {
        name: pullSecretName,
        namespace,
        labels: { 'app.kubernetes.io/managed-by': 'imagestream' },
        annotations: { [expiresAnnotation]: new Date(now + tokenTtlSeconds * 1000).toISOString() },
      },
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: { [this.deps.registryHost]: auth } })).toString('base64') },
    };
  }

  /** The project's account whose tokens the secret carries, made if missing. */
  private async pullerAccount(namespace: string): Promise<string> {
    const key = objectKey('', 'serviceaccounts', namespace, pullerAccountName);
    if (await unlessNotFound(this.deps.store.get(key))) return pullerAccountName;
    const metadata = {
      name: pullerAccountName,
      namespace,
      uid: randomUUID(),
      creationTimestamp: this.deps.clock
        .now()
        .toISOString()
        .replace(/\.\d+Z$/, 'Z'),
    };
    await this.deps.store.create(key, { apiVersion: 'v1', kind: 'ServiceAccount', metadata }).catch((error: unknown) => {
      if (!isAppError(error, 'AlreadyExists')) throw error;
    });
    return pullerAccountName;
  }

  private async linkToDefault(namespace: string, signal: AbortSignal): Promise<void> {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/default`;
    await retryOnConflict(5, async () => {
      const account = await unlessNotFound(this.deps.cluster.request('GET', path, { signal }));
      if (!account) return;
      const linked = Array.isArray(account.imagePullSecrets) ? (account.imagePullSecrets as { name?: string }[]) : [];
      if (linked.some((s) => s.name === pullSecretName)) return;
      await this.deps.cluster.request('PATCH', path, {
        body: { metadata: { resourceVersion: account.metadata?.resourceVersion }, imagePullSecrets: [...linked, { name: pullSecretName }] },
        contentType: 'application/merge-patch+json',
        signal,
      });
      this.deps.logger.info('linked the registry pull secret to the default service account', { namespace });
    });
  }
}
