// The trigger controller's way to apply triggers to a stored workload: write it back unchanged
// through the engine, whose admission rewrites the images its triggers follow (SPEC §7).
import type { ResourceCatalogue } from './resource-definition.ts';
import type { RequestContext } from './rest-storage.ts';
import { podSpecPaths } from '../image/pod-spec.ts';
import { resourcePrefix } from '../kube/object.ts';
import { isAppError, retryOnConflict } from '../errors.ts';

/** A stored workload kind and the store key prefix of its objects, e.g. `apps/deployments/`. */
export interface WorkloadKind {
  readonly kind: string;
  readonly prefix: string;
}

export interface WorkloadRefresh {
  readonly kinds: readonly WorkloadKind[];
  /** Re-admits the workload at `key`; true when admission changed it. */
  refresh(kind: WorkloadKind, key: string): Promise<boolean>;
}

export function workloadRefresh(catalogue: ResourceCatalogue, context: (namespace: string) => RequestContext): WorkloadRefresh {
  const definitions = catalogue.definitions.filter((d) => podSpecPaths[d.kind] && !d.storage);
  return {
    kinds: definitions.map((d) => ({ kind: d.kind, prefix: resourcePrefix(d.group, d.resource) })),
    async refresh(kind, key) {
      const storage = catalogue.storageFor(definitions.find((d) => d.kind === kind.kind)!);
      const [namespace, name] = key.slice(kind.prefix.length).split('/');
      return retryOnConflict(5, async () => {
        const current = await storage.get!(context(namespace), name);
        const written = await storage.update!(context(namespace), name, current, { dryRun: false });
        return written.metadata?.resourceVersion !== current.metadata?.resourceVersion;
      }).catch((error: unknown) => {
        // Someone else keeps writing it: their writes were admitted too, so the triggers are applied.
        if (isAppError(error, 'Conflict')) return false;
        throw error;
      });
    },
  };
}
