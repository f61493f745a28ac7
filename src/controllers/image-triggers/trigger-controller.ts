// Keeps triggered workloads on their tags' current images (SPEC §7): indexes which workloads
// follow which streams from the workload source (stored workloads, or a cluster's), and when a
// stream changes, reconciles each follower through the source, which applies its triggers.
// Writes happen only when an image changed.
import type { ResourceStore } from '../../store/resource-store.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Counter, Histogram } from '../../lib/metrics.ts';
import type { Reconciler } from '../runtime/reconciler.ts';
import type { WorkloadEvent, WorkloadKind, WorkloadSource } from './workload-source.ts';
import { readTriggers, triggeredStreams } from '../../image/triggers.ts';
import { WorkQueue } from '../runtime/work-queue.ts';
import { runWorkers } from '../runtime/reconciler.ts';
import { watchSource } from '../runtime/watch-source.ts';

export interface TriggerControllerDeps {
  /** Where the image streams are watched. */
  readonly store: Pick<ResourceStore, 'list' | 'watch'>;
  readonly workloads: WorkloadSource;
  readonly logger: Logger;
  readonly metrics?: { readonly updates: Counter; readonly latency: Histogram };
}

const streamPrefix = 'image.openshift.io/imagestreams/';

export class TriggerController implements Reconciler {
  readonly name = 'image-triggers';
  private readonly deps: TriggerControllerDeps;
  /** A new queue each time this replica starts leading: the last one was shut down when leadership ended. */
  private queue = new WorkQueue();
  /** `ns/stream` → workload keys following it. */
  private readonly followers = new Map<string, Set<string>>();
  /** workload key → the streams it follows and its kind. */
  private readonly follows = new Map<string, { kind: WorkloadKind; streams: string[] }>();
  /** When the change a queued key reacts to happened, for the latency metric. */
  private readonly since = new Map<string, number>();

  constructor(deps: TriggerControllerDeps) {
    this.deps = deps;
  }

  run(signal: AbortSignal): void {
    this.queue = new WorkQueue();
    const options = { signal, logger: this.deps.logger };
    for (const kind of this.deps.workloads.kinds) this.deps.workloads.follow(kind, (event) => this.index(kind, event), signal);
    void watchSource(this.deps.store, streamPrefix, (event) => event.type !== 'DELETED' && this.streamChanged(event.key), options);
    void runWorkers(this, this.queue, { workers: 4, signal, logger: this.deps.logger });
  }

  async reconcile(key: string, signal: AbortSignal): Promise<void> {
    const follow = this.follows.get(key);
    const started = this.since.get(key);
    this.since.delete(key);
    if (!follow) return;
    if (!(await this.deps.workloads.refresh(follow.kind, key, signal))) return;
    this.deps.metrics?.updates.inc({ kind: follow.kind.kind });
    if (started !== undefined) this.deps.metrics?.latency.observe({ kind: follow.kind.kind }, (performance.now() - started) / 1000);
    this.deps.logger.info('updated triggered workload', { key });
  }

  private index(kind: WorkloadKind, event: WorkloadEvent): void {
    for (const stream of this.follows.get(event.key)?.streams ?? []) this.followers.get(stream)?.delete(event.key);
    this.follows.delete(event.key);
    if (event.type === 'DELETED') return;
    const object = event.object as { metadata?: { namespace?: string; annotations?: Record<string, string> } };
    const streams = triggeredStreams(readTriggers(object.metadata?.annotations, kind.kind, event.object).triggers, object.metadata?.namespace ?? '');
    if (streams.length === 0) return;
    this.follows.set(event.key, { kind, streams });
    // A new or changed workload of a source whose writes apply no triggers takes its tags' images now.
    if (!this.deps.workloads.appliesOnWrite) this.queue.add(event.key);
    for (const stream of streams) {
      let set = this.followers.get(stream);
      if (!set) this.followers.set(stream, (set = new Set()));
      set.add(event.key);
    }
  }

  private streamChanged(streamKey: string): void {
    const [namespace, name] = streamKey.slice(streamPrefix.length).split('/');
    const now = performance.now();
    for (const key of this.followers.get(`${namespace}/${name}`) ?? []) {
      if (!this.since.has(key)) this.since.set(key, now);
      this.queue.add(key);
    }
  }
}
