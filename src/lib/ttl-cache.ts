// A bounded map whose entries expire: answers another authority gave (a cluster's token and access
// reviews) kept briefly, so a burst of requests asks once. Concurrent loads of one key share one
// call; a load that fails is not kept.
import type { Clock } from './clock.ts';

export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly loading = new Map<string, Promise<V>>();
  private readonly clock: Clock;
  private readonly maxEntries: number;

  constructor(deps: { clock: Clock; maxEntries: number }) {
    this.clock = deps.clock;
    this.maxEntries = deps.maxEntries;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The kept value of `key`, else what `load` gives, kept for `ttlMs(value)` (0: not kept). */
  async get(key: string, load: () => Promise<V>, ttlMs: (value: V) => number): Promise<V> {
    const kept = this.entries.get(key);
    if (kept && kept.expiresAt > this.clock.now().getTime()) return kept.value;
    if (kept) this.entries.delete(key);
    const pending = this.loading.get(key);
    if (pending) return pending;
    const loaded = load().then((value) => {
      const ttl = ttlMs(value);
      if (ttl > 0) this.keep(key, value, ttl);
      return value;
    });
    this.loading.set(key, loaded);
    try {
      return await loaded;
    } finally {
      this.loading.delete(key);
    }
  }

  private keep(key: string, value: V, ttlMs: number): void {
    // Oldest first: a full cache drops expired entries, then the entry kept longest ago.
    if (this.entries.size >= this.maxEntries) {
      const now = this.clock.now().getTime();
      for (const [k, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(k);
      while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, { value, expiresAt: this.clock.now().getTime() + ttlMs });
  }
}
