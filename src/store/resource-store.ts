// The contract every metadata backend (memory, sqlite, etcd) fulfils. Values are opaque JSON objects;
// the store owns only keys and the store-wide resourceVersion. Kubernetes semantics live above it.

/** A JSON object as stored. The store never looks inside. */
export type StoredValue = Record<string, unknown>;

export interface StoredObject {
  readonly key: string;
  readonly value: StoredValue;
  /** Store-wide, monotonically increasing version of the last change to this key, as a decimal string. */
  readonly resourceVersion: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  readonly type: WatchEventType;
  readonly key: string;
  /** For DELETED: the value as it was when deleted. */
  readonly value: StoredValue;
  readonly resourceVersion: string;
}

export interface ListOptions {
  /** Most items to return; 0 or absent means all. */
  readonly limit?: number;
  /** Opaque token from a previous page's `continue`. */
  readonly continue?: string;
  /** Keeps only the values it accepts; applied before `limit`, so pages stay full. */
  readonly filter?: (value: StoredValue) => boolean;
}

export interface ListResult {
  readonly items: readonly StoredObject[];
  /** The store's resourceVersion when the page was read: a watch from it misses nothing. */
  readonly resourceVersion: string;
  /** Present when more items follow. */
  readonly continue?: string;
}

export interface ResourceStore {
  /** Stores a new key; AlreadyExists if it is there. */
  create(key: string, value: StoredValue): Promise<StoredObject>;
  /** NotFound if the key is absent. */
  get(key: string): Promise<StoredObject>;
  /** Replaces the value; NotFound if absent, Conflict if `expectedResourceVersion` is given and stale. */
  update(key: string, value: StoredValue, expectedResourceVersion?: string): Promise<StoredObject>;
  /** Removes the key and returns what it held; NotFound if absent, Conflict on a stale precondition. */
  delete(key: string, expectedResourceVersion?: string): Promise<StoredObject>;
  /** Keys that start with `prefix`, in key order. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /**
   * Changes under `prefix` after `fromResourceVersion`, in order, until `signal` aborts.
   * Gone if that version has been compacted away.
   */
  watch(prefix: string, fromResourceVersion: string, signal: AbortSignal): AsyncIterable<WatchEvent>;
  /** The resourceVersion of the newest change. */
  currentResourceVersion(): Promise<string>;
  /** Forgets change history at and before `resourceVersion`; watches from there get Gone. */
  compact(resourceVersion: string): Promise<void>;
  close(): Promise<void>;
}
