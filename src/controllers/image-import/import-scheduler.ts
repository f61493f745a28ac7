// Scheduled re-import (SPEC §2.9): every stream with scheduled tags is visited once per interval,
// at an offset of its own so visits spread over the interval (also after a restart), within a
// token bucket of imports per minute. A visit asks upstream with one HEAD per tag first, always,
// and imports only tags that moved. Failed imports of any tag are retried with exponential backoff
// up to the interval, except those of a source that is no pull spec at all, which no retry could fix.
// Visits run concurrently within a global cap and a cap per registry host, so a registry that
// never answers holds up only its own streams.
// Rate limits are a budget: an import is promised the pulls it needs before it starts; what a
// registry cannot give is deferred (ImportSuccess=False, reason RateLimited) until it resets, and a
// host that asked for quiet (Retry-After) gets no request at all until then. A nearly spent host's
// streams are visited one at a time, due longest ago first, so what is left goes to them.
import type { ResourceStore } from '../../store/resource-store.ts';
import type { ImageStream, TagReference } from '../../image/image-stream.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Counter, Histogram } from '../../lib/metrics.ts';
import type { RegistryBudgets } from '../../importer/upstream/registry-budgets.ts';
import type { UpstreamTagCheck } from '../../streams/stream-imports.ts';
import { watchSource } from '../runtime/watch-source.ts';
import { kinds } from '../../kube/kinds.ts';
import { kindValue } from '../../store/kind-values.ts';
import { hasImportableSource } from './pending-imports.ts';
import { latestTagEvent, observedGeneration } from '../../image/image-stream.ts';
import { parseImageReference } from '../../image/reference.ts';
import { humanDuration } from '../../kube/human-duration.ts';
import { upstreamOf } from '../../importer/importer.ts';

export interface ImportSchedulerDeps {
  readonly store: Pick<ResourceStore, 'list' | 'watch' | 'get'>;
  readonly intervalMs: number;
  /** Imports per minute at most; 0 or less for no limit. */
  readonly maxPerMinute: number;
  /** Visits running at once (default 8), and at most this many against one registry host (default 2). */
  readonly maxConcurrent?: number;
  readonly maxPerRegistry?: number;
  readonly now?: () => number;
  /** What one HEAD per tag says upstream. */
  readonly checkTags: (stream: ImageStream, tags: readonly TagReference[], signal: AbortSignal) => Promise<readonly UpstreamTagCheck[]>;
  readonly importTags: (namespace: string, name: string, tags: readonly TagReference[], signal: AbortSignal) => Promise<void>;
  /** Shows on the failed tags' conditions when the next attempt will be. */
  readonly noteRetry?: (namespace: string, name: string, retries: readonly { readonly tag: string; readonly at: Date }[]) => Promise<void>;
  /** Marks tags put off for their registry's rate limit, with why and when they are tried again. */
  readonly deferTags?: (
    namespace: string,
    name: string,
    deferrals: readonly { readonly tag: string; readonly message: string; readonly at: Date }[],
  ) => Promise<void>;
  /** Drops the failure conditions of tags a check found current after all. */
  readonly clearFailures?: (namespace: string, name: string, tags: readonly string[]) => Promise<void>;
  /** The server's rate-limit budgets per registry host; without them nothing is deferred. */
  readonly budgets?: Pick<RegistryBudgets, 'state' | 'reserve' | 'release'>;
  readonly logger: Logger;
  readonly metrics?: {
    readonly checks: Counter;
    /** Scheduled tags by result: imported, unchanged, failed, deferred. */
    readonly imports: Counter;
    readonly deferred: Counter;
    readonly duration: Histogram;
  };
}

const prefix = 'image.openshift.io/imagestreams/';
const firstRetryMs = 5_000;

/**
 * Tags the scheduler re-checks: scheduled DockerImage tags, except digest-pinned ones already
 * imported, and those still waiting for their first import at this generation. Those are the
 * import controller's: importing them here too would pull each twice, a pull a rate-limited
 * registry counts against the budget.
 */
export function scheduledTags(stream: ImageStream): TagReference[] {
  return (stream.spec.tags ?? []).filter((tag) => {
    if (!hasImportableSource(tag) || !tag.importPolicy?.scheduled) return false;
    if ((tag.generation ?? 0) > observedGeneration(stream, tag.name)) return false;
    const item = stream.status?.tags?.find((t) => t.tag === tag.name)?.items?.[0];
    return !(tag.from.name.includes('@') && item && item.generation >= (tag.generation ?? 0));
  });
}

/** Importable tags whose last import at their current generation failed, or was deferred. */
export function failedTags(stream: ImageStream): TagReference[] {
  return (stream.spec.tags ?? []).filter((tag) => {
    if (!hasImportableSource(tag)) return false;
    const status = stream.status?.tags?.find((t) => t.tag === tag.name);
    return status?.conditions?.some((c) => c.type === 'ImportSuccess' && c.status === 'False' && c.generation >= (tag.generation ?? 0)) ?? false;
  });
}

/** The tags a visit of the stream asks about: those failed or deferred (they waited longest) first. */
function visitedTags(stream: ImageStream): TagReference[] {
  const retrying = failedTags(stream);
  return [...retrying, ...scheduledTags(stream).filter((t) => !retrying.some((r) => r.name === t.name))];
}

/** The registry host a tag's requests go to, named as the registry client counts them (docker.io is registry-1.docker.io). */
export function registryOf(tag: TagReference): string {
  try {
    return upstreamOf(parseImageReference(tag.from?.name ?? ''), false).registry;
  } catch {
    return 'registry-1.docker.io';
  }
}

interface Deferral {
  readonly tag: TagReference;
  readonly host: string;
}

export class ImportScheduler {
  private readonly deps: ImportSchedulerDeps;
  private readonly due = new Map<string, number>();
  /** When deferred streams were first due: they keep their place before streams due since. */
  private readonly waitingSince = new Map<string, number>();
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

  /** Visits running now (for tests and metrics). */
  get running(): number {
    return this.visiting.size;
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
    this.waitingSince.delete(key);
  }

  /** Starts the visits that are due and fit the caps, longest due first; does not wait for them. */
  private async visitDue(signal: AbortSignal): Promise<void> {
    const now = this.now();
    const waited = (key: string, at: number) => this.waitingSince.get(key) ?? at;
    const ready = [...this.due.entries()].filter(([key, at]) => at <= now && !this.visiting.has(key)).sort((a, b) => waited(...a) - waited(...b));
    // A host with fewer requests left than the tags due there so far in this round is nearly spent:
    // one visit at a time, in order, so what is left goes to the tags due longest ago.
    const dueTags = new Map<string, number>();
    const nearlySpent = (host: string) => {
      const available = this.deps.budgets?.state(host).available;
      return available !== undefined && available < (dueTags.get(host) ?? 0);
    };
    const heldBack = new Set<string>();
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
      const tags = visitedTags(stream);
      for (const tag of tags) dueTags.set(registryOf(tag), (dueTags.get(registryOf(tag)) ?? 0) + 1);
      const hosts = [...new Set(tags.map(registryOf))];
      // A registry at its cap waits; the streams of other registries go on.
      const waits = hosts.filter(
        (host) => heldBack.has(host) || (this.perRegistry.get(host) ?? 0) >= (nearlySpent(host) ? 1 : (this.deps.maxPerRegistry ?? 2)),
      );
      if (waits.length > 0) {
        // Streams due later do not overtake this one at a nearly spent host.
        for (const host of hosts) if (nearlySpent(host)) heldBack.add(host);
        continue;
      }
      if (!this.take()) return;
      this.visiting.add(key);
      for (const host of hosts) this.perRegistry.set(host, (this.perRegistry.get(host) ?? 0) + 1);
      const dueAt = this.due.get(key) ?? now;
      void this.visit(key, stream, dueAt, signal)
        .catch((error: unknown) => signal.aborted || this.deps.logger.error('scheduled import visit failed', { key, error }))
        .finally(() => {
          this.visiting.delete(key);
          for (const host of hosts) this.perRegistry.set(host, (this.perRegistry.get(host) ?? 1) - 1);
        });
    }
  }

  private async visit(key: string, stream: ImageStream, dueAt: number, signal: AbortSignal): Promise<void> {
    const started = performance.now();
    const { budgets, metrics } = this.deps;
    const namespace = stream.metadata.namespace!;
    const name = stream.metadata.name;
    const streamName = key.slice(prefix.length);
    const retrying = new Set(failedTags(stream).map((t) => t.name));
    const candidates = visitedTags(stream);
    metrics?.checks.inc();
    const deferred: Deferral[] = [];
    // A host that asked for quiet gets no request at all, not even a HEAD.
    const asked = candidates.filter((tag) => {
      const quiet = budgets?.state(registryOf(tag)).blockedUntil !== undefined;
      if (quiet) deferred.push({ tag, host: registryOf(tag) });
      return !quiet;
    });
    const checks = asked.length > 0 ? await this.deps.checkTags(stream, asked, signal) : [];
    const unchanged: TagReference[] = [];
    const toImport: { tag: TagReference; host: string; cost: number }[] = [];
    const spent = new Set<string>();
    for (const tag of asked) {
      const host = registryOf(tag);
      const check = checks.find((c) => c.name === tag.name);
      // A retried tag is current again only if its history is of its current source too.
      if (check && !check.moved && (!retrying.has(tag.name) || isCurrent(stream, tag))) {
        unchanged.push(tag);
        continue;
      }
      // The check met the rate limit: so would the import.
      if (check?.error?.ociCode === 'TOOMANYREQUESTS' || budgets?.state(host).blockedUntil !== undefined) {
        deferred.push({ tag, host });
        continue;
      }
      const cost = importCost(tag, check);
      if (spent.has(host) || (budgets && !budgets.reserve(host, cost))) {
        spent.add(host);
        deferred.push({ tag, host });
        continue;
      }
      toImport.push({ tag, host, cost });
    }
    const cleared = unchanged.filter((t) => retrying.has(t.name)).map((t) => t.name);
    if (cleared.length > 0)
      await this.deps.clearFailures?.(namespace, name, cleared).catch((error: unknown) => this.deps.logger.warn('could not clear conditions', { key, error }));
    if (toImport.length > 0) {
      this.deps.logger.info('scheduled import', { stream: streamName, tags: toImport.map((t) => t.tag.name) });
      try {
        await this.deps.importTags(
          namespace,
          name,
          toImport.map((t) => t.tag),
          signal,
        );
      } catch (error) {
        if (!signal.aborted) this.deps.logger.error('scheduled import failed', { key, error });
      } finally {
        for (const { host, cost } of toImport) budgets?.release(host, cost);
      }
    }
    // Interrupted (the server stopping, or leadership handed over): nothing was recorded, and the
    // next leader visits the stream afresh; counting or rescheduling it here would only mislead.
    if (signal.aborted) return;
    const after = await this.deps.store
      .get(key)
      .then((s) => kindValue(kinds.imageStreams, s.value))
      .catch(() => undefined);
    const failing = after ? failedTags(after).filter((t) => !deferred.some((d) => d.tag.name === t.name)) : [];
    const failedNow = toImport.filter((t) => failing.some((f) => f.name === t.tag.name));
    for (const { tag } of failedNow) {
      const condition = after?.status?.tags?.find((s) => s.tag === tag.name)?.conditions?.find((c) => c.type === 'ImportSuccess');
      this.deps.logger.warn('scheduled import failed', {
        stream: streamName,
        tag: tag.name,
        reason: condition?.reason ?? 'unknown',
        message: condition?.message,
      });
    }
    metrics?.imports.inc({ result: 'imported' }, toImport.length - failedNow.length);
    metrics?.imports.inc({ result: 'failed' }, failedNow.length);
    metrics?.imports.inc({ result: 'unchanged' }, unchanged.length);
    metrics?.imports.inc({ result: 'deferred' }, deferred.length);
    for (const { host } of deferred) metrics?.deferred.inc({ registry: host });
    for (const host of new Set(candidates.map(registryOf))) metrics?.duration.observe({ registry: host }, (performance.now() - started) / 1000);
    await this.schedule(key, after, failing, deferred, dueAt);
  }

  /** Sets the stream's next visit: the soonest of its retries, its deferrals, or a whole interval. */
  private async schedule(
    key: string,
    after: ImageStream | undefined,
    failing: readonly TagReference[],
    deferred: readonly Deferral[],
    dueAt: number,
  ): Promise<void> {
    const now = this.now();
    const attempts: number[] = [];
    if (after && failing.length > 0) {
      const count = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, count);
      const backoff = now + Math.min(this.deps.intervalMs, firstRetryMs * 2 ** count);
      // A failure at a host that is spent or asked for quiet (a 429 mid-import) waits for it too.
      const retries = failing.map((tag) => ({ tag: tag.name, at: new Date(Math.max(backoff, this.resumesAt(registryOf(tag)) ?? 0)) }));
      attempts.push(...retries.map((r) => r.at.getTime()));
      await this.deps
        .noteRetry?.(after.metadata.namespace!, after.metadata.name, retries)
        .catch((error: unknown) => this.deps.logger.warn('could not note the retry on the stream', { key, error }));
    }
    if (after && deferred.length > 0) {
      this.failures.set(key, this.failures.get(key) ?? 0);
      this.waitingSince.set(key, Math.min(this.waitingSince.get(key) ?? dueAt, dueAt));
      const deferrals = deferred.map(({ tag, host }) => {
        const state = this.deps.budgets?.state(host) ?? {};
        const resets = state.blockedUntil ?? state.resetsAt;
        // A rolling window gives requests back before it resets in full: look again (with a HEAD) within an interval.
        const at = state.blockedUntil ?? Math.min(resets ?? Infinity, now + this.deps.intervalMs);
        const message = state.unavailable
          ? `deferred: ${host} is unavailable and asked to be called again in ${humanDuration(resets! - now)}`
          : `deferred: rate limit of ${host}${resets === undefined ? '' : `, resets in ${humanDuration(resets - now)}`}`;
        return { tag: tag.name, message, at: new Date(Math.max(at, now + 1000)) };
      });
      attempts.push(...deferrals.map((d) => d.at.getTime()));
      await this.deps
        .deferTags?.(after.metadata.namespace!, after.metadata.name, deferrals)
        .catch((error: unknown) => this.deps.logger.warn('could not mark deferred imports on the stream', { key, error }));
    } else this.waitingSince.delete(key);
    if (failing.length === 0 && deferred.length === 0) this.failures.delete(key);
    this.due.set(key, attempts.length > 0 ? Math.min(...attempts) : now + this.deps.intervalMs);
    // Read before the deferrals were written, `after` would look healthy and undo their schedule.
    if (after && deferred.length === 0) this.consider(key, after);
  }

  /** When a rate-limited host takes requests again, if it is spent or asked for quiet. */
  private resumesAt(host: string): number | undefined {
    const state = this.deps.budgets?.state(host);
    if (!state) return undefined;
    return state.blockedUntil ?? (state.available === 0 ? state.resetsAt : undefined);
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

/**
 * What importing the tag takes from the budget, as Docker Hub counts pulls: one per image manifest
 * fetched. A manifest list's own GET comes with the child taken from it (Legacy: one pull in all);
 * PreserveOriginal fetches every child, of which a multi-arch list has two at least. The registry's
 * next answer says what it really took.
 */
function importCost(tag: TagReference, check: UpstreamTagCheck | undefined): number {
  return check?.manifestList && tag.importPolicy?.importMode === 'PreserveOriginal' ? 2 : 1;
}

/** Whether a tag's newest image was imported for its current source (its spec generation). */
function isCurrent(stream: ImageStream, tag: TagReference): boolean {
  const newest = latestTagEvent(stream, tag.name);
  return newest !== undefined && newest.generation >= (tag.generation ?? 0);
}

/** A stable number per key, so each stream keeps its own place in the interval. */
function spread(key: string): number {
  let hash = 2166136261;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 16777619) >>> 0;
  return hash;
}
