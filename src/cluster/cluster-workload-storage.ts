// With a cluster connected, the workload kinds are the cluster's: the API serves them by passing
// each verb on to the cluster (projects are the namespaces of the same name). The API engine has
// already authorized the caller with this server's RBAC; the call goes out with this server's
// cluster credential, so what a caller can do is what both allow. Nothing of them is stored here,
// and the cluster's own admission (this server's webhook among it) applies to every write.
import type { KubeList, KubeObject } from '../kube/object.ts';
import type { KindIdentity } from '../kube/kinds.ts';
import type { ApiWatchEvent, ListQuery, RequestContext, RestStorage, WatchQuery, WriteOptions } from '../api/rest-storage.ts';
import type { ClusterClient } from './cluster-connection.ts';
import { AppError } from '../errors.ts';
import { clientError } from './cluster-errors.ts';
import { collectionPath, objectPath } from './cluster-paths.ts';
import { clusterWorkloadKinds } from './cluster-kinds.ts';
import { connectedLabel, type NamespaceGate } from './connected-namespaces.ts';

export function clusterWorkloadStorage(cluster: ClusterClient, kind: KindIdentity, namespaces: NamespaceGate): RestStorage {
  const dryRun = (options: WriteOptions) => (options.dryRun ? 'All' : undefined);
  const namespaceOf = (context: RequestContext) => {
    if (!context.namespace) throw new AppError('BadRequest', `${kind.resource} are namespaced: name a namespace`);
    if (!namespaces.isConnected(context.namespace)) throw notConnected(context.namespace);
    return context.namespace;
  };
  return {
    get: (context, name) => cluster.request('GET', objectPath(kind, namespaceOf(context), name), { signal: context.signal }),
    async list(context, query) {
      const namespace = context.namespace ?? query.fieldNamespace;
      if (namespace !== undefined && !namespaces.isConnected(namespace)) throw notConnected(namespace);
      const filtered = query.labelSelector !== undefined || query.fieldName !== undefined;
      const list = (await cluster.request('GET', collectionPath(kind, namespace), {
        // A label selector is matched here (the engine has it parsed), so pages would not stay full: list it all then.
        query: filtered ? {} : { limit: query.limit ? String(query.limit) : undefined, continue: query.continue },
        signal: context.signal,
      })) as unknown as KubeList;
      // A list of every namespace is for ims's cluster-wide readers (prune among them, which must
      // see every image the cluster runs): it reads, and is not limited to connected namespaces.
      const items = (list.items ?? []).filter((item) => matches(item, query)).map((item) => typed(kind, item));
      return { ...list, items };
    },
    async watch(context, query) {
      const namespace = context.namespace ?? query.fieldNamespace;
      if (namespace !== undefined && !namespaces.isConnected(namespace)) throw notConnected(namespace);
      return watchEvents(cluster, kind, context, query);
    },
    create: (context, body, options) =>
      cluster.request('POST', collectionPath(kind, namespaceOf(context)), { body, query: { dryRun: dryRun(options) }, signal: context.signal }),
    update: (context, name, body, options) =>
      cluster.request('PUT', objectPath(kind, namespaceOf(context), name), { body, query: { dryRun: dryRun(options) }, signal: context.signal }),
    delete: (context, name, options) =>
      cluster.request('DELETE', objectPath(kind, namespaceOf(context), name), {
        body: {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          ...(options.dryRun ? { dryRun: ['All'] } : {}),
          ...(options.preconditionResourceVersion || options.preconditionUid
            ? { preconditions: { resourceVersion: options.preconditionResourceVersion, uid: options.preconditionUid } }
            : {}),
        },
        signal: context.signal,
      }),
  };
}

function notConnected(namespace: string): AppError {
  return new AppError(
    'Forbidden',
    `the cluster namespace "${namespace}" is not connected to this server: a cluster administrator labels it ${connectedLabel}=true (README, "A real cluster")`,
  );
}

function matches(item: KubeObject, query: ListQuery): boolean {
  if (query.fieldName !== undefined && item.metadata?.name !== query.fieldName) return false;
  return !query.labelSelector || query.labelSelector.matches(item.metadata?.labels);
}

/** Items of a cluster list carry no kind; the engine's tables and the CLI want it. */
function typed(kind: KindIdentity, item: KubeObject): KubeObject {
  return { apiVersion: kind.group ? `${kind.group}/${kind.version}` : kind.version, kind: kind.kind, ...item };
}

/** The cluster's watch as the engine's events; an error the cluster sends ends it, as the engine's own watches end. */
async function watchEvents(cluster: ClusterClient, kind: KindIdentity, context: RequestContext, query: WatchQuery): Promise<AsyncIterable<ApiWatchEvent>> {
  const queue: ApiWatchEvent[] = [];
  let wake: (() => void) | undefined;
  let ended: unknown = false;
  const controller = await cluster
    .watch(
      collectionPath(kind, context.namespace ?? query.fieldNamespace),
      { resourceVersion: query.resourceVersion, fieldSelector: query.fieldName ? `metadata.name=${query.fieldName}` : undefined },
      (type, object) => {
        if (type === 'BOOKMARK' || (type !== 'ERROR' && !matches(object, query))) return;
        queue.push({ type: type as ApiWatchEvent['type'], object });
        wake?.();
      },
      (error) => {
        ended = error ?? true;
        wake?.();
      },
    )
    .catch((error: unknown) => {
      throw clientError(error);
    });
  context.signal.addEventListener('abort', () => controller.abort(), { once: true });
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          while (queue.length > 0) yield queue.shift()!;
          if (ended !== false) {
            const status = (ended as { statusCode?: number }).statusCode;
            if (status === 410) throw new AppError('Gone', 'the watch history is gone; list again');
            return;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      } finally {
        controller.abort();
      }
    },
  };
}

/** The definitions as served with a cluster connected: the workload kinds answered by the cluster. */
export function withClusterWorkloads<D extends { readonly group: string; readonly kind: string }>(
  definitions: readonly D[],
  cluster: ClusterClient,
  namespaces: NamespaceGate,
): D[] {
  return definitions.map((definition) => {
    const kind = clusterWorkloadKinds.find((k) => k.group === definition.group && k.kind === definition.kind);
    return kind ? { ...definition, storage: () => clusterWorkloadStorage(cluster, kind, namespaces) } : definition;
  });
}
