// A read cache kept honest by store watches: any change under one of its prefixes empties it.
// For hot paths (authentication, RBAC, registry lookups) that read the same few objects again and
// again. Until its watches run, and after they fail, it caches nothing.
import type { ResourceStore } from './resource-store.ts';
import type { Logger } from '../lib/logger.ts';

export class WatchedCache<V> {
  private readonly entries = new Map<string, V>();
  private readonly store: Pick<ResourceStore, 'watch' | 'currentResourceVersion'>;
  private readonly prefixes: readonly string[];
  private readonly maxEntries: number;
  private live = 0;

  constructor(store: Pick<ResourceStore, 'watch' | 'currentResourceVersion'>, prefixes: readonly string[], maxEntries = 10_000) {
    this.store = store;
    this.prefixes = prefixes;
    this.maxEntries = maxEntries;
  }

  /** Watches until `signal` aborts, re-watching after failures. */
  start(signal: AbortSignal, logger?: Logger): void {
    for (const prefix of this.prefixes) void this.follow(prefix, signal, logger);
  }

  async get(key: string, load: () => Promise<V>): Promise<V> {
    if (this.live < this.prefixes.length) return load();
    const cached = this.entries.get(key);
    if (cached !== undefined || this.entries.has(key)) return cached as V;
    const generation = this.generation;
    const value = await load();
    // A change while loading may have made the value stale: then do not keep it.
    if (generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, value);
    }
    return value;
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }

  /** Changes each time the cache is emptied; a derived memo is valid while it stays the same. */
  get version(): number {
    return this.live < this.prefixes.length ? -1 : this.generation;
  }

  private generation = 0;

  private async follow(prefix: string, signal: AbortSignal, logger?: Logger): Promise<void> {
    while (!signal.aborted) {
      let counted = false;
      try {
        const from = await this.store.currentResourceVersion();
        const changes = this.store.watch(prefix, from, signal);
        this.clear();
        this.live += 1;
        counted = true;
        for await (const _change of changes) this.clear();
      } catch (error) {
        if (!signal.aborted) logger?.warn('cache watch failed; watching again', { prefix, error });
      } finally {
        if (counted) this.live -= 1;
        this.clear();
      }
      if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
