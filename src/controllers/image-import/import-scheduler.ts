// Scheduled re-import (SPEC §2.9): every stream with scheduled tags is visited once per interval,
// at an offset of its own so visits spread over the interval (also after a restart), within a
// token bucket of imports per minute. A visit asks upstream with one HEAD per tag and imports only
// tags that moved. Failed imports of any tag are retried with exponential backoff up to the interval,
// except those of a source that is no pull spec at all, which no retry could fix.
// Visits run concurrently within a global cap and a cap per registry host, so a registry that
// never answers holds up only its own streams.
import type { ResourceStore } from '../../store/resource-store.ts';
import type { ImageStream, TagReference } from '../../image/image-stream.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Counter, Histogram } from '../../lib/metrics.ts';
import { watchSource } from '../runtime/watch-source.ts';
import { kinds } from '../../kube/kinds.ts';
import { kindValue } from '../../store/kind-values.ts';
import { hasImportableSource } from './pending-imports.ts';

export interface ImportSchedulerDeps {
  readonly store: Pick<ResourceStore, 'list' | 'watch' | 'get'>;
  readonly intervalMs: number;
  /** Imports per minute at most; 0 or less for no limit. */
  readonly maxPerMinute: number;
  /** Visits running at once (default 8), and at most this many against one registry host (default 2). */
  readonly maxConcurrent?: number;
  readonly maxPerRegistry?: number;
  readonly now?: () => number;
  /** Which of the tags moved upstream (one HEAD each). */
  readonly changedTags: (stream: ImageStream, tags: readonly TagReference[], signal: AbortSignal) => Promise<string[]>;
  readonly importTags: (namespace: string, name: string, tags: readonly TagReference[], signal: AbortSignal) => Promise<void>;
  /** Shows on the failed tags' conditions when the next attempt will be. */
  readonly noteRetry?: (namespace: string, name: string, tags: readonly string[], delayMs: number) => Promise<void>;
  readonly logger: Logger;
  readonly metrics?: { readonly checks: Counter; readonly imports: Counter; readonly duration: Histogram };
}

const prefix = 'image.openshift.io/imagestreams/';
const firstRetryMs = 5_000;

/** Tags the scheduler re-checks: scheduled DockerImage tags, except digest-pinned ones already imported. */
export function scheduledTags(stream: ImageStream): TagReference[] {
  return (stream.spec.tags ?? []).filter((tag) => {
    if (!hasImportableSource(tag) || !tag.importPolicy?.scheduled) return false;
    const item = stream.status?.tags?.find((t) => t.tag === tag.name)?.items?.[0];
    return !(tag.from.name.includes('@') && item && item.generation >= (tag.generation ?? 0));
  });
}

/** Importable tags whose last import at their current generation failed. */
export function failedTags(stream: ImageStream): TagReference[] {
  return (stream.spec.tags ?? []).filter((tag) => {
    if (!hasImportableSource(tag)) return false;
    const status = stream.status?.tags?.find((t) => t.tag === tag.name);
    return status?.conditions?.some((c) => c.type === 'ImportSuccess' && c.status === 'False' && c.generation >= (tag.generation ?? 0)) ?? false;
  });
}

export class ImportScheduler {
  private readonly deps: ImportSchedulerDeps;
  private readonly due = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  /** Streams being visited now, and how many visits each registry host has running. */
  private readonly visiting = new Set<string>();
  private readonly perRegistry = new Map<string, number>();
  private tokens: number;
  private lastRefill: number;
  private readonly now: () => number;

  constructor(deps: ImportSchedulerDeps) {
    this.deps = deps;
    this.now = deps.now ?? (() => Date.now());
    this.tokens = this.burst();
    this.lastRefill = this.now();
  }

  run(signal: AbortSignal): void {
    void watchSource(
      this.deps.store,
      prefix,
      (event) => (event.type === 'DELETED' ? this.forget(event.key) : this.consider(event.key, kindValue(kinds.imageStreams, event.value))),
      { signal, logger: this.deps.logger },
    );
    const tick = async () => {
      if (signal.aborted) return;
      await this.visitDue(signal).catch((error: unknown) => this.deps.logger.error('scheduled import round failed', { error }));
      setTimeout(tick, Math.min(1000, Math.max(50, this.deps.intervalMs / 20))).unref?.();
    };
    void tick();
  }

  /** When a stream is next visited (for tests and status). */
  nextVisit(key: string): number | undefined {
    return this.due.get(key);
  }

  private consider(key: string, stream: ImageStream): void {
    const failed = failedTags(stream).length > 0;
    if (scheduledTags(stream).length === 0 && !failed) {
      this.forget(key);
      return;
    }
    if (failed && !this.failures.has(key)) {
      this.failures.set(key, 0);
      this.due.set(key, Math.min(this.due.get(key) ?? Infinity, this.now() + firstRetryMs));
    }
    if (!failed) this.failures.delete(key);
    if (!this.due.has(key)) this.due.set(key, this.now() + (spread(key) % this.deps.intervalMs));
  }

  private forget(key: string): void {
    this.due.delete(key);
    this.failures.delete(key);
  }

  /** Starts the visits that are due and fit the caps, longest due first; does not wait for them. */
  private async visitDue(signal: AbortSignal): Promise<void> {
    const now = this.now();
    const ready = [...this.due.entries()].filter(([key, at]) => at <= now && !this.visiting.has(key)).sort((a, b) => a[1] - b[1]);
    for (const [key] of ready) {
      if (signal.aborted || this.visiting.size >= (this.deps.maxConcurrent ?? 8)) return;
      const stream = await this.deps.store
        .get(key)
        .then((stored) => kindValue(kinds.imageStreams, stored.value))
        .catch(() => undefined);
      if (!stream) {
        this.forget(key);
        continue;
      }
      const hosts = registriesOf(stream);
      // A registry at its cap waits; the streams of other registries go on.
      if (hosts.some((host) => (this.perRegistry.get(host) ?? 0) >= (this.deps.maxPerRegistry ?? 2))) continue;
      if (!this.take()) return;
      this.visiting.add(key);
      for (const host of hosts) this.perRegistry.set(host, (this.perRegistry.get(host) ?? 0) + 1);
      void this.visit(key, stream, signal)
        .catch((error: unknown) => this.deps.logger.error('scheduled import visit failed', { key, error }))
        .finally(() => {
          this.visiting.delete(key);
          for (const host of hosts) this.perRegistry.set(host, (this.perRegistry.get(host) ?? 1) - 1);
        });
    }
  }

  /** Visits running now (for tests and metrics). */
  get running(): number {
    return this.visiting.size;
  }

  private async visit(key: string, stream: ImageStream, signal: AbortSignal): Promise<void> {
    const started = performance.now();
    const retrying = failedTags(stream);
    const scheduled = scheduledTags(stream).filter((t) => !retrying.some((r) => r.name === t.name));
    this.deps.metrics?.checks.inc();
    const moved = scheduled.length ? await this.deps.changedTags(stream, scheduled, signal) : [];
    const toImport = [...retrying, ...scheduled.filter((t) => moved.includes(t.name))];
    if (toImport.length > 0) {
      this.deps.logger.info('scheduled import', { stream: key.slice(prefix.length), tags: toImport.map((t) => t.name) });
      try {
        await this.deps.importTags(stream.metadata.namespace!, stream.metadata.name, toImport, signal);
      } catch (error) {
        this.deps.logger.error('scheduled import failed', { key, error });
      }
    } else if (scheduled.length > 0) this.deps.metrics?.imports.inc({ result: 'unchanged' });
    this.deps.metrics?.duration.observe({}, (performance.now() - started) / 1000);
    const after = await this.deps.store
      .get(key)
      .then((s) => kindValue(kinds.imageStreams, s.value))
      .catch(() => undefined);
    const failing = after ? failedTags(after) : [];
    if (toImport.length > 0) {
      // An import that ran but could not get a tag records a failure condition: that is a failed import.
      const failed = toImport.filter((t) => failing.some((f) => f.name === t.name));
      if (failed.length > 0) {
        this.deps.metrics?.imports.inc({ result: 'failed' });
        const reasons = failed.map((t) => `${t.name}: ${after?.status?.tags?.find((s) => s.tag === t.name)?.conditions?.[0]?.reason ?? 'unknown'}`);
        this.deps.logger.warn('scheduled import failed', { stream: key.slice(prefix.length), tags: reasons });
      }
      if (failed.length < toImport.length) this.deps.metrics?.imports.inc({ result: 'imported' });
    }
    if (after && failing.length > 0) {
      const attempts = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, attempts);
      const delay = Math.min(this.deps.intervalMs, firstRetryMs * 2 ** attempts);
      this.due.set(key, this.now() + delay);
      await this.deps
        .noteRetry?.(
          after.metadata.namespace!,
          after.metadata.name,
          failing.map((t) => t.name),
          delay,
        )
        .catch((error: unknown) => this.deps.logger.warn('could not note the retry on the stream', { key, error }));
    } else {
      this.failures.delete(key);
      this.due.set(key, this.now() + this.deps.intervalMs);
    }
    if (after) this.consider(key, after);
  }

  private burst(): number {
    return this.deps.maxPerMinute > 0 ? this.deps.maxPerMinute * 2 : Infinity;
  }

  /** A token of the imports-per-minute bucket, if one is free. */
  private take(): boolean {
    if (this.deps.maxPerMinute <= 0) return true;
    const now = this.now();
    this.tokens = Math.min(this.burst(), this.tokens + ((now - this.lastRefill) / 60_000) * this.deps.maxPerMinute);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** The registry hosts a visit of the stream asks: those of its scheduled and retried tags. */
function registriesOf(stream: ImageStream): string[] {
  const hosts = new Set<string>();
  for (const tag of [...scheduledTags(stream), ...failedTags(stream)]) {
    const name = tag.from?.name ?? '';
    const first = name.split('/')[0];
    // A name without a registry part is Docker Hub's, as references are defaulted.
    hosts.add(name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io');
  }
  return [...hosts];
}

/** A stable number per key, so each stream keeps its own place in the interval. */
function spread(key: string): number {
  let hash = 2166136261;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 16777619) >>> 0;
  return hash;
}
