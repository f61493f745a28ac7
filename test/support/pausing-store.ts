// A store (memory by default, or any other, etcd included) that lets a test act just before a
// chosen write goes in, to force one interleaving of two requests (a push and a prune) that a busy
// machine produces only now and then.
import { MemoryResourceStore } from '../../src/store/memory/memory-resource-store.ts';
import type { ListOptions, ListResult, ResourceStore, StoredObject, StoredValue, WatchEvent } from '../../src/store/resource-store.ts';

/** A hook returns undefined for the writes it lets through untouched, or what to wait for first. */
export class PausingStore implements ResourceStore {
  beforeUpdate?: (key: string, value: StoredValue) => Promise<void> | undefined;
  beforeDelete?: (key: string) => Promise<void> | undefined;
  private readonly inner: ResourceStore;

  constructor(inner: ResourceStore = new MemoryResourceStore()) {
    this.inner = inner;
  }

  async update(key: string, value: StoredValue, expectedResourceVersion?: string): Promise<StoredObject> {
    await this.beforeUpdate?.(key, value);
    return this.inner.update(key, value, expectedResourceVersion);
  }

  async delete(key: string, expectedResourceVersion?: string): Promise<StoredObject> {
    await this.beforeDelete?.(key);
    return this.inner.delete(key, expectedResourceVersion);
  }

  create(key: string, value: StoredValue): Promise<StoredObject> {
    return this.inner.create(key, value);
  }

  get(key: string): Promise<StoredObject> {
    return this.inner.get(key);
  }

  list(prefix: string, options?: ListOptions): Promise<ListResult> {
    return this.inner.list(prefix, options);
  }

  watch(prefix: string, fromResourceVersion: string, signal: AbortSignal): AsyncIterable<WatchEvent> {
    return this.inner.watch(prefix, fromResourceVersion, signal);
  }

  currentResourceVersion(): Promise<string> {
    return this.inner.currentResourceVersion();
  }

  compact(resourceVersion: string): Promise<void> {
    return this.inner.compact(resourceVersion);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Whether a write of stream `default/<name>` has `text` (a digest, a quoted tag) in its status. */
export function writesStatusWith(key: string, value: StoredValue, name: string, text: string): boolean {
  return key.endsWith(`/imagestreams/default/${name}`) && JSON.stringify((value as { status?: unknown }).status ?? {}).includes(text);
}
