// ResourceStore held in process memory: for tests and throwaway servers. Same semantics as the
// durable backends, including change history, compaction and Gone.
import type { ListOptions, ListResult, ResourceStore, StoredObject, StoredValue, WatchEvent, WatchEventType } from '../resource-store.ts';
import { ChangeFeed } from '../change-feed.ts';
import { decodeContinue, encodeContinue } from '../continue-token.ts';
import { keyConflict, keyExists, keyNotFound, parseResourceVersion as parseVersion, tooOldResourceVersion as tooOld } from '../store-errors.ts';

export interface MemoryResourceStoreOptions {
  /** How many past changes a watch can resume from. */
  readonly historyLimit?: number;
}

export class MemoryResourceStore implements ResourceStore {
  private readonly objects = new Map<string, { value: string; rv: bigint }>();
  /** Keys in order, so a prefix list is a binary search and a walk, not a sort of everything. */
  private readonly sortedKeys: string[] = [];
  private history: WatchEvent[] = [];
  private compactedThrough = 0n;
  private revision = 0n;
  private readonly feed = new ChangeFeed();
  private readonly historyLimit: number;

  constructor(options: MemoryResourceStoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 10_000;
  }

  async create(key: string, value: StoredValue): Promise<StoredObject> {
    if (this.objects.has(key)) throw keyExists(key);
    return this.commit('ADDED', key, value);
  }

  async get(key: string): Promise<StoredObject> {
    const found = this.objects.get(key);
    if (!found) throw keyNotFound(key);
    return { key, value: JSON.parse(found.value) as StoredValue, resourceVersion: String(found.rv) };
  }

  async update(key: string, value: StoredValue, expectedResourceVersion?: string): Promise<StoredObject> {
    const found = this.objects.get(key);
    if (!found) throw keyNotFound(key);
    if (expectedResourceVersion !== undefined && String(found.rv) !== expectedResourceVersion) throw keyConflict(key);
    return this.commit('MODIFIED', key, value);
  }

  async delete(key: string, expectedResourceVersion?: string): Promise<StoredObject> {
    const found = this.objects.get(key);
    if (!found) throw keyNotFound(key);
    if (expectedResourceVersion !== undefined && String(found.rv) !== expectedResourceVersion) throw keyConflict(key);
    return this.commit('DELETED', key, JSON.parse(found.value) as StoredValue);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const after = options.continue ? decodeContinue(options.continue) : undefined;
    const start = Math.max(this.indexOf(prefix), after === undefined ? 0 : this.indexOf(after + '\0'));
    const items: StoredObject[] = [];
    let more = false;
    for (let i = start; i < this.sortedKeys.length && this.sortedKeys[i].startsWith(prefix); i++) {
      const key = this.sortedKeys[i];
      const found = this.objects.get(key)!;
      const value = JSON.parse(found.value) as StoredValue;
      if (options.filter && !options.filter(value)) continue;
      if (options.limit && items.length >= options.limit) {
        more = true;
        break;
      }
      items.push({ key, value, resourceVersion: String(found.rv) });
    }
    const last = items.at(-1);
    return {
      items,
      resourceVersion: String(this.revision),
      continue: more && last ? encodeContinue(last.key) : undefined,
    };
  }

  watch(prefix: string, fromResourceVersion: string, signal: AbortSignal): AsyncIterable<WatchEvent> {
    const from = parseVersion(fromResourceVersion);
    if (from < this.compactedThrough) throw tooOld(fromResourceVersion);
    return this.feed.follow(
      prefix,
      fromResourceVersion,
      () => this.history.filter((e) => e.key.startsWith(prefix) && BigInt(e.resourceVersion) > from),
      signal,
    );
  }

  async currentResourceVersion(): Promise<string> {
    return String(this.revision);
  }

  async compact(resourceVersion: string): Promise<void> {
    const through = parseVersion(resourceVersion);
    this.history = this.history.filter((e) => BigInt(e.resourceVersion) > through);
    if (through > this.compactedThrough) this.compactedThrough = through;
  }

  async close(): Promise<void> {}

  /** The index of the first key not less than `key`. */
  private indexOf(key: string): number {
    let low = 0;
    let high = this.sortedKeys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.sortedKeys[mid] < key) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private commit(type: WatchEventType, key: string, value: StoredValue): StoredObject {
    this.revision += 1n;
    const serialized = JSON.stringify(value);
    if (type === 'DELETED') {
      this.objects.delete(key);
      this.sortedKeys.splice(this.indexOf(key), 1);
    } else {
      if (type === 'ADDED') this.sortedKeys.splice(this.indexOf(key), 0, key);
      this.objects.set(key, { value: serialized, rv: this.revision });
    }
    const stored: StoredObject = { key, value: JSON.parse(serialized) as StoredValue, resourceVersion: String(this.revision) };
    const event: WatchEvent = { type, ...stored };
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedThrough = BigInt(dropped.at(-1)!.resourceVersion);
    }
    this.feed.publish(event);
    return stored;
  }
}
