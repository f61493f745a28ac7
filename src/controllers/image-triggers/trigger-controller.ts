// Keeps triggered workloads on their tags' current images (SPEC §7): indexes which workloads
// follow which streams from a watch of the workload kinds, and when a stream changes, asks each
// follower to be re-admitted, which applies its triggers. Writes happen only when an image changed.
import type { ResourceStore, WatchEvent } from '../../store/resource-store.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Counter, Histogram } from '../../lib/metrics.ts';
import { readTriggers, triggeredStreams } from '../../image/triggers.ts';

export interface WorkloadKind {
  readonly kind: string;
  /** Store key prefix of the kind, e.g. `apps/deployments/`. */
  readonly prefix: string;
}

export interface TriggerControllerDeps {
  readonly store: Pick<ResourceStore, 'list' | 'watch'>;
  readonly kinds: readonly WorkloadKind[];
  /** Re-admits the workload at `key` (its triggers are applied on the way); true if it changed. */
  readonly refresh: (kind: WorkloadKind, key: string) => Promise<boolean>;
  readonly logger: Logger;
  readonly metrics?: { readonly updates: Counter; readonly latency: Histogram };
}

const streamPrefix = 'image.openshift.io/imagestreams/';

export class TriggerController {
  private readonly deps: TriggerControllerDeps;
  /** `ns/stream` → workload keys following it. */
  private readonly followers = new Map<string, Set<string>>();
  /** workload key → the streams it follows and its kind. */
  private readonly follows = new Map<string, { kind: WorkloadKind; streams: string[] }>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(deps: TriggerControllerDeps) {
    this.deps = deps;
  }

  run(signal: AbortSignal): void {
    for (const kind of this.deps.kinds) void this.follow(kind.prefix, signal, (event) => this.index(kind, event));
    void this.follow(streamPrefix, signal, (event) => {
      if (event.type !== 'DELETED') this.streamChanged(event.key, signal);
    });
  }

  /** Resolves when no refresh is running (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  private async follow(prefix: string, signal: AbortSignal, handle: (event: WatchEvent) => void): Promise<void> {
    while (!signal.aborted) {
      try {
        const current = await this.deps.store.list(prefix);
        for (const item of current.items) handle({ type: 'ADDED', ...item });
        for await (const event of this.deps.store.watch(prefix, current.resourceVersion, signal)) handle(event);
      } catch (error) {
        if (signal.aborted) return;
        this.deps.logger.warn('trigger controller watch failed; starting again', { prefix, error });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private index(kind: WorkloadKind, event: WatchEvent): void {
    const previous = this.follows.get(event.key);
    for (const stream of previous?.streams ?? []) this.followers.get(stream)?.delete(event.key);
    this.follows.delete(event.key);
    if (event.type === 'DELETED') return;
    const object = event.value as { metadata?: { namespace?: string; annotations?: Record<string, string> } };
    const { triggers } = readTriggers(object.metadata?.annotations, kind.kind, event.value);
    const streams = triggeredStreams(triggers, object.metadata?.namespace ?? '');
    if (streams.length === 0) return;
    this.follows.set(event.key, { kind, streams });
    for (const stream of streams) {
      let set = this.followers.get(stream);
      if (!set) this.followers.set(stream, (set = new Set()));
      set.add(event.key);
    }
  }

  private streamChanged(streamKey: string, signal: AbortSignal): void {
    const [namespace, name] = streamKey.slice(streamPrefix.length).split('/');
    const started = performance.now();
    for (const key of this.followers.get(`${namespace}/${name}`) ?? []) this.enqueue(key, started, signal);
  }

  private enqueue(key: string, started: number, signal: AbortSignal): void {
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    const follow = this.follows.get(key);
    if (!follow) return;
    const work = this.deps
      .refresh(follow.kind, key)
      .then((changed) => {
        if (!changed) return;
        this.deps.metrics?.updates.inc({ kind: follow.kind.kind });
        this.deps.metrics?.latency.observe({ kind: follow.kind.kind }, (performance.now() - started) / 1000);
        this.deps.logger.info('updated triggered workload', { key });
      })
      .catch((error: unknown) => this.deps.logger.error('could not update triggered workload', { key, error }))
      .finally(() => {
        this.running.delete(key);
        if (this.again.delete(key) && !signal.aborted) this.enqueue(key, performance.now(), signal);
      });
    this.running.set(key, work);
  }
}
