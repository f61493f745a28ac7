// Where the trigger controller finds the workloads that follow image stream tags, and how it
// applies their triggers: the objects stored in ims (embedded mode), or a connected cluster's.
import type { ResourceStore } from '../../store/resource-store.ts';
import type { Logger } from '../../lib/logger.ts';
import { watchSource } from '../runtime/watch-source.ts';

export interface WorkloadKind {
  readonly kind: string;
  /** Key prefix of the kind's objects, e.g. `apps/deployments/`; keys are `<prefix><namespace>/<name>`. */
  readonly prefix: string;
}

export interface WorkloadEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly key: string;
  readonly object: Record<string, unknown>;
}

export interface WorkloadSource {
  readonly kinds: readonly WorkloadKind[];
  /**
   * Whether writing a workload already applies its triggers (the embedded API's admission does),
   * so only tag changes need a reconcile; otherwise new and changed workloads are reconciled too.
   */
  readonly appliesOnWrite: boolean;
  /** Calls `handle` with every object of the kind, then with each change, until `signal` aborts. */
  follow(kind: WorkloadKind, handle: (event: WorkloadEvent) => void, signal: AbortSignal): void;
  /** Applies the workload's triggers; true if it changed. */
  refresh(kind: WorkloadKind, key: string, signal: AbortSignal): Promise<boolean>;
}

/** The workloads stored in ims, re-admitted through the API engine to apply their triggers. */
export function storedWorkloads(deps: {
  readonly store: Pick<ResourceStore, 'list' | 'watch'>;
  readonly kinds: readonly WorkloadKind[];
  readonly refresh: (kind: WorkloadKind, key: string) => Promise<boolean>;
  readonly logger: Logger;
}): WorkloadSource {
  return {
    kinds: deps.kinds,
    appliesOnWrite: true,
    follow(kind, handle, signal) {
      void watchSource(deps.store, kind.prefix, (event) => handle({ type: event.type, key: event.key, object: event.value }), { signal, logger: deps.logger });
    },
    refresh: (kind, key) => deps.refresh(kind, key),
  };
}
