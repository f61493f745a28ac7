// The trigger controller's workloads when a cluster is connected: the cluster's own, followed by
// the official client's list-then-watch (which lists again after 410 Gone; after any other failure
// the informer is started again here), and patched when a followed tag moves. A patch names the
// resourceVersion it was computed from, so a concurrent write makes it a Conflict, and it is
// computed again from a fresh read. The image applied for each trigger is recorded on the object,
// so a container set back by hand stays until the tag moves again.
import type { ResourceStore } from '../store/resource-store.ts';
import type { Logger } from '../lib/logger.ts';
import type { KindIdentity } from '../kube/kinds.ts';
import type { KubeObject } from '../kube/object.ts';
import type { WorkloadKind, WorkloadSource } from '../controllers/image-triggers/workload-source.ts';
import type { ClusterClient } from './cluster-connection.ts';
import type { NamespaceGate } from './connected-namespaces.ts';
import { retryOnConflict, unlessNotFound } from '../errors.ts';
import { resourcePrefix } from '../kube/object.ts';
import { podSpecPaths, podSpecOf } from '../image/pod-spec.ts';
import { appliedTriggersAnnotation, applyNewTriggerImages, readAppliedTriggers, readTriggers } from '../image/triggers.ts';
import { resolveTags } from '../api/admission/workload-images.ts';
import type { MayFollow } from '../api/admission/cross-namespace-triggers.ts';
import { collectionPath, objectPath } from './cluster-paths.ts';
import { clusterWorkloadKinds } from './cluster-kinds.ts';

export interface ClusterWorkloadDeps {
  readonly cluster: ClusterClient;
  /** The hub's store, where the followed image streams are. */
  readonly store: ResourceStore;
  readonly logger: Logger;
  /** Whether a namespace's workloads may follow another namespace's stream. */
  readonly mayFollow: MayFollow;
  /** Only connected namespaces' workloads are patched. */
  readonly namespaces: NamespaceGate;
  /** Wait before starting a failed informer again. */
  readonly retryMs?: number;
}

export function clusterWorkloads(deps: ClusterWorkloadDeps): WorkloadSource {
  const identities = new Map<string, KindIdentity>(clusterWorkloadKinds.map((k) => [k.kind, k]));
  return {
    kinds: clusterWorkloadKinds.map((k) => ({ kind: k.kind, prefix: resourcePrefix(k.group, k.resource) })),
    appliesOnWrite: false,
    follow(kind, handle, signal) {
      const informer = deps.cluster.informer(collectionPath(identities.get(kind.kind)!));
      const keyOf = (object: { metadata?: { namespace?: string; name?: string } }) => `${kind.prefix}${object.metadata?.namespace}/${object.metadata?.name}`;
      informer.on('add', (object) => handle({ type: 'ADDED', key: keyOf(object), object: object as Record<string, unknown> }));
      informer.on('update', (object) => handle({ type: 'MODIFIED', key: keyOf(object), object: object as Record<string, unknown> }));
      informer.on('delete', (object) => handle({ type: 'DELETED', key: keyOf(object), object: object as Record<string, unknown> }));
      const start = () => {
        if (!signal.aborted) void informer.start().catch(restart);
      };
      const restart = (error?: unknown) => {
        if (signal.aborted) return;
        deps.logger.warn('watch of the cluster ended; listing again', { kind: kind.kind, error });
        setTimeout(start, deps.retryMs ?? 1_000).unref();
      };
      informer.on('error', restart);
      signal.addEventListener('abort', () => void informer.stop(), { once: true });
      start();
    },
    refresh: (kind, key, signal) => refreshWorkload(deps, identities.get(kind.kind)!, kind, key, signal),
  };
}

async function refreshWorkload(deps: ClusterWorkloadDeps, identity: KindIdentity, kind: WorkloadKind, key: string, signal: AbortSignal): Promise<boolean> {
  const [namespace, name] = key.slice(kind.prefix.length).split('/');
  if (!deps.namespaces.isConnected(namespace)) return false;
  return retryOnConflict(5, async () => {
    const current = await unlessNotFound(deps.cluster.request('GET', objectPath(identity, namespace, name), { signal }));
    if (!current) return false;
    const annotations = current.metadata?.annotations;
    const { triggers } = readTriggers(annotations, identity.kind, current as Record<string, unknown>);
    if (triggers.length === 0) return false;
    const wanted = [];
    for (const trigger of triggers.filter((t) => t.from.kind === 'ImageStreamTag')) {
      const from = { namespace: trigger.from.namespace || namespace, stream: trigger.from.name.split(':')[0], tag: trigger.from.name.split(':')[1] };
      if (from.namespace === namespace || (await deps.mayFollow(namespace, from))) wanted.push(from);
    }
    const images = await resolveTags({ store: deps.store }, wanted);
    const working = structuredClone(current) as Record<string, unknown>;
    const before = readAppliedTriggers(annotations);
    const result = applyNewTriggerImages(working, identity.kind, triggers, namespace, before, (ns, stream, tag) => images.get(`${ns}/${stream}:${tag}`));
    if (!result.changed && JSON.stringify(result.applied) === JSON.stringify(before)) return false;
    await deps.cluster.request('PATCH', objectPath(identity, namespace, name), {
      body: triggerPatch(current, working, identity.kind, result.applied),
      contentType: 'application/merge-patch+json',
      signal,
    });
    if (result.changed) deps.logger.info('patched the cluster workload its trigger follows', { key });
    return result.changed;
  });
}

/** A merge patch of the pod spec's container lists and the record, valid only at the version read. */
function triggerPatch(current: KubeObject, working: Record<string, unknown>, kind: string, applied: Record<string, string>): Record<string, unknown> {
  const spec = podSpecOf(working, kind) ?? {};
  let node: Record<string, unknown> = Object.fromEntries(
    ['initContainers', 'containers'].filter((list) => Array.isArray(spec[list])).map((list) => [list, spec[list]]),
  );
  for (const step of [...podSpecPaths[kind]].reverse()) node = { [step]: node };
  return {
    ...node,
    metadata: { resourceVersion: current.metadata?.resourceVersion, annotations: { [appliedTriggersAnnotation]: JSON.stringify(applied) } },
  };
}
