// A memory store that lets a test act just before a chosen write goes in, to force one
// interleaving of two requests (a push and a prune) that a busy machine produces only now and then.
import { MemoryResourceStore } from '../../src/store/memory/memory-resource-store.ts';
import type { StoredObject, StoredValue } from '../../src/store/resource-store.ts';

/** A hook returns undefined for the writes it lets through untouched, or what to wait for first. */
export class PausingStore extends MemoryResourceStore {
  beforeUpdate?: (key: string, value: StoredValue) => Promise<void> | undefined;
  beforeDelete?: (key: string) => Promise<void> | undefined;

  override async update(key: string, value: StoredValue, expectedResourceVersion?: string): Promise<StoredObject> {
    await this.beforeUpdate?.(key, value);
    return super.update(key, value, expectedResourceVersion);
  }

  override async delete(key: string, expectedResourceVersion?: string): Promise<StoredObject> {
    await this.beforeDelete?.(key);
    return super.delete(key, expectedResourceVersion);
  }
}

/** Whether a write of stream `default/<name>` has `text` (a digest, a quoted tag) in its status. */
export function writesStatusWith(key: string, value: StoredValue, name: string, text: string): boolean {
  return key.endsWith(`/imagestreams/default/${name}`) && JSON.stringify((value as { status?: unknown }).status ?? {}).includes(text);
}
