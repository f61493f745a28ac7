// ResourceStore on an etcd v3 cluster, so several `ims serve` replicas share one consistent store.
// resourceVersion is etcd's mod revision; every conditional write is one etcd transaction that
// compares the key's revision, so etcd alone decides races between replicas. Paged lists read all
// their pages at the revision of the first one, and watches resume from a revision after a
// reconnect, so a client that follows list-then-watch misses nothing across a member failure.
import { type Etcd3, type IKeyValue, type IRangeResponse, type ITxnResponse, type IRequestOp, type ICompare, type Watcher } from 'etcd3';
import type { ListOptions, ListResult, ResourceStore, StoredObject, StoredValue, WatchEvent } from '../resource-store.ts';
import { AppError, isAppError } from '../../errors.ts';
import { connectEtcd, type EtcdClientTls } from './etcd-connection.ts';
import { keyConflict, keyExists, keyNotFound, parseResourceVersion, tooOldResourceVersion } from '../store-errors.ts';

export interface EtcdStoreOptions {
  /** Client URLs of the cluster's members, e.g. http://127.0.0.1:2379. */
  readonly endpoints: readonly string[];
  /** Client TLS for https:// endpoints. */
  readonly tls?: EtcdClientTls;
  /** Every key lives under this prefix, so one cluster can hold several installations. */
  readonly keyPrefix?: string;
  /** How long one call may wait for the cluster (e.g. during a leader election), in ms. */
  readonly callTimeoutMs?: number;
}

/** Events a watcher may hold for a slow reader before the watch ends with Gone (the reader lists again). */
const maxBufferedEvents = 10_000;
const pageSize = 500;

/** The continue token of a paged list: the last key returned and the revision every page is read at. */
function encodeContinue(lastKey: string, revision: string): string {
  return Buffer.from(JSON.stringify({ v: 1, k: lastKey, r: revision })).toString('base64url');
}

function decodeContinue(token: string): { lastKey: string; revision: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: number; k?: unknown; r?: unknown };
    if (parsed.v === 1 && typeof parsed.k === 'string' && typeof parsed.r === 'string' && /^\d+$/.test(parsed.r))
      return { lastKey: parsed.k, revision: parsed.r };
  } catch {
    // fall through to the typed error
  }
  throw new AppError('BadRequest', 'continue key is not valid');
}

/** The first key after every key that starts with `prefix`. */
function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i] += 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/** The key exists, and when a version is expected, it is the key's current one. */
function precondition(key: Buffer, expectedResourceVersion: string | undefined): ICompare {
  return expectedResourceVersion === undefined
    ? { key, target: 'Create', result: 'Greater', create_revision: 0 }
    : { key, target: 'Mod', result: 'Equal', mod_revision: String(parseResourceVersion(expectedResourceVersion)) };
}

function isCompacted(error: unknown): boolean {
  return error instanceof Error && /compacted/i.test(error.message);
}

export class EtcdResourceStore implements ResourceStore {
  private readonly client: Etcd3;
  private readonly root: string;
  /** Bytes of `root`, cut from every key etcd returns. */
  private readonly rootLength: number;
  private readonly timeoutMs: number;

  constructor(options: EtcdStoreOptions) {
    this.root = options.keyPrefix ?? '/imagestream/';
    this.rootLength = Buffer.byteLength(this.root);
    this.timeoutMs = options.callTimeoutMs ?? 15_000;
    this.client = connectEtcd(options);
  }

  async create(key: string, value: StoredValue): Promise<StoredObject> {
    const full = this.fullKey(key);
    const serialized = Buffer.from(JSON.stringify(value));
    const result = await this.txn([{ key: full, target: 'Create', result: 'Equal', create_revision: 0 }], [{ request_put: { key: full, value: serialized } }]);
    if (!result.succeeded) throw keyExists(key);
    return { key, value: JSON.parse(serialized.toString('utf8')) as StoredValue, resourceVersion: result.header.revision };
  }

  async get(key: string): Promise<StoredObject> {
    const response = await this.call(() => this.client.kv.range({ key: this.fullKey(key) }, this.callOptions()));
    const kv = response.kvs[0];
    if (!kv) throw keyNotFound(key);
    return this.toObject(kv);
  }

  async update(key: string, value: StoredValue, expectedResourceVersion?: string): Promise<StoredObject> {
    const full = this.fullKey(key);
    const serialized = Buffer.from(JSON.stringify(value));
    const result = await this.txn(
      [precondition(full, expectedResourceVersion)],
      [{ request_put: { key: full, value: serialized } }],
      [{ request_range: { key: full } }],
    );
    if (!result.succeeded) throw this.failedPrecondition(key, result);
    return { key, value: JSON.parse(serialized.toString('utf8')) as StoredValue, resourceVersion: result.header.revision };
  }

  async delete(key: string, expectedResourceVersion?: string): Promise<StoredObject> {
    const full = this.fullKey(key);
    const result = await this.txn(
      [precondition(full, expectedResourceVersion)],
      [{ request_delete_range: { key: full, prev_kv: true } }],
      [{ request_range: { key: full } }],
    );
    if (!result.succeeded) throw this.failedPrecondition(key, result);
    const previous = result.responses[0]?.response_delete_range?.prev_kvs?.[0];
    if (!previous) throw keyNotFound(key);
    return { key, value: JSON.parse(previous.value.toString('utf8')) as StoredValue, resourceVersion: result.header.revision };
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const fullPrefix = this.fullKey(prefix);
    const end = prefixEnd(fullPrefix);
    const want = options.limit && options.limit > 0 ? options.limit : Infinity;
    const resumed = options.continue ? decodeContinue(options.continue) : undefined;
    let revision = resumed?.revision;
    let from = resumed ? Buffer.concat([this.fullKey(resumed.lastKey), Buffer.from([0])]) : fullPrefix;
    const items: StoredObject[] = [];
    let more = false;
    scan: for (;;) {
      let response: IRangeResponse;
      try {
        response = await this.call(() => this.client.kv.range({ key: from, range_end: end, limit: pageSize, revision: revision ?? 0 }, this.callOptions()));
      } catch (error) {
        if (isCompacted(error)) throw new AppError('Gone', 'the list has changed too much since this continue token was issued; list again from the start');
        throw error;
      }
      revision ??= response.header.revision;
      for (const kv of response.kvs) {
        from = Buffer.concat([kv.key, Buffer.from([0])]);
        const object = this.toObject(kv);
        if (options.filter && !options.filter(object.value)) continue;
        if (items.length >= want) {
          more = true;
          break scan;
        }
        items.push(object);
      }
      if (!response.more) break;
    }
    const last = items.at(-1);
    return { items, resourceVersion: revision, continue: more && last ? encodeContinue(last.key, revision) : undefined };
  }

  watch(prefix: string, fromResourceVersion: string, signal: AbortSignal): AsyncIterable<WatchEvent> {
    const start = parseResourceVersion(fromResourceVersion) + 1n;
    const fullPrefix = this.fullKey(prefix);
    const store = this;
    return {
      [Symbol.asyncIterator]: () => store.follow(fullPrefix, start, fromResourceVersion, signal),
    };
  }

  async currentResourceVersion(): Promise<string> {
    // A count-only read of a key nobody writes answers with the cluster's newest revision.
    const response = await this.call(() => this.client.kv.range({ key: this.fullKey('\u0000revision'), count_only: true }, this.callOptions()));
    return response.header.revision;
  }

  async compact(resourceVersion: string): Promise<void> {
    const revision = parseResourceVersion(resourceVersion);
    try {
      await this.call(() => this.client.kv.compact({ revision: String(revision), physical: false }, this.callOptions()));
    } catch (error) {
      // Already compacted at or past this revision: nothing left to do.
      if (!isCompacted(error)) throw error;
    }
  }

  async close(): Promise<void> {
    this.client.close();
  }

  private async *follow(fullPrefix: Buffer, start: bigint, fromResourceVersion: string, signal: AbortSignal): AsyncGenerator<WatchEvent> {
    const buffered: WatchEvent[] = [];
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const notify = () => {
      wake?.();
      wake = undefined;
    };
    // Handlers go on before the watch connects: etcd can answer "created" and "canceled"
    // (compacted) in one breath, and an event missed there would leave the watch hanging.
    const watcher: Watcher = this.client.watch().prefix(fullPrefix).startRevision(String(start)).withPreviousKV().watcher();
    watcher.on('data', (response) => {
      for (const event of response.events) {
        const key = this.keyOf(event.kv);
        const resourceVersion = event.kv.mod_revision;
        if (event.type === 'Delete') {
          if (!event.prev_kv) continue;
          buffered.push({ type: 'DELETED', key, value: JSON.parse(event.prev_kv.value.toString('utf8')) as StoredValue, resourceVersion });
        } else {
          buffered.push({
            type: event.kv.create_revision === event.kv.mod_revision ? 'ADDED' : 'MODIFIED',
            key,
            value: JSON.parse(event.kv.value.toString('utf8')) as StoredValue,
            resourceVersion,
          });
        }
      }
      if (buffered.length > maxBufferedEvents) failure ??= new AppError('Gone', 'watch fell too far behind; start a new watch');
      notify();
    });
    let canceledByEtcd = false;
    watcher.on('error', (error: Error) => {
      canceledByEtcd = true;
      // etcd cancels a watch whose start revision was compacted away; any cancel means "list again".
      failure ??= /canceled|compacted/i.test(error.message)
        ? tooOldResourceVersion(fromResourceVersion)
        : new AppError('Unavailable', `the etcd watch failed: ${error.message}`);
      notify();
    });
    const onAbort = () => notify();
    signal.addEventListener('abort', onAbort);
    try {
      for (;;) {
        if (signal.aborted) return;
        if (buffered.length > 0) {
          yield buffered.shift()!;
          continue;
        }
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      // A watch etcd canceled itself has nothing to cancel, and cancelling it would wait forever.
      if (!canceledByEtcd) await watcher.cancel().catch(() => undefined);
    }
  }

  private keyOf(kv: IKeyValue): string {
    return kv.key.subarray(this.rootLength).toString('utf8');
  }

  private fullKey(key: string): Buffer {
    return Buffer.from(this.root + key);
  }

  private toObject(kv: IKeyValue): StoredObject {
    return { key: this.keyOf(kv), value: JSON.parse(kv.value.toString('utf8')) as StoredValue, resourceVersion: kv.mod_revision };
  }

  private failedPrecondition(key: string, result: ITxnResponse): AppError {
    const current = result.responses[0]?.response_range?.kvs?.[0];
    return current ? keyConflict(key) : keyNotFound(key);
  }

  private txn(compare: ICompare[], success: IRequestOp[], failure: IRequestOp[] = []): Promise<ITxnResponse> {
    return this.call(() => this.client.kv.txn({ compare, success, failure }, this.callOptions()));
  }

  private callOptions(): { deadline: Date } {
    return { deadline: new Date(Date.now() + this.timeoutMs) };
  }

  /** Runs one etcd call; a cluster that cannot answer becomes Unavailable (503) for the API. */
  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isAppError(error) || isCompacted(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new AppError('Unavailable', `the etcd cluster did not answer: ${message}`);
    }
  }
}
