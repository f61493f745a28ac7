// A work queue of keys: a key waits at most once, a key added while it is being worked on is
// worked on again afterwards (never twice at once), and failures come back after a per-key
// exponential backoff. The only place retries are timed.

export class WorkQueue<K extends string = string> {
  private readonly queue: K[] = [];
  private readonly queued = new Set<K>();
  private readonly active = new Set<K>();
  private readonly dirty = new Set<K>();
  private readonly failures = new Map<K, number>();
  private readonly timers = new Map<K, ReturnType<typeof setTimeout>>();
  private readonly waiters: ((key: K | undefined) => void)[] = [];
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private closed = false;

  constructor(options: { baseDelayMs?: number; maxDelayMs?: number } = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 5 * 60_000;
  }

  add(key: K): void {
    if (this.closed) return;
    if (this.active.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    const waiter = this.waiters.shift();
    if (waiter) {
      this.queued.delete(key);
      this.active.add(key);
      waiter(key);
    } else this.queue.push(key);
  }

  /** Adds `key` after `delayMs`; an earlier pending delay for it wins. */
  addAfter(key: K, delayMs: number): void {
    if (this.closed || this.timers.has(key)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref?.();
    this.timers.set(key, timer);
  }

  /** Adds `key` again after its next backoff delay. */
  retry(key: K): number {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    const delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (failures - 1));
    this.addAfter(key, delay);
    return delay;
  }

  /** Forgets a key's failures (after it succeeded). */
  forget(key: K): void {
    this.failures.delete(key);
  }

  /** The next key to work on; undefined once the queue is shut down. */
  next(): Promise<K | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.queued.delete(key);
      this.active.add(key);
      return Promise.resolve(key);
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks work on `key` finished; if it was added meanwhile, it is queued again. */
  done(key: K): void {
    this.active.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  get length(): number {
    return this.queue.length;
  }

  /** Whether nothing is queued, running or waiting on a timer. */
  get idle(): boolean {
    return this.queue.length === 0 && this.active.size === 0 && this.timers.size === 0;
  }

  shutDown(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }
}
