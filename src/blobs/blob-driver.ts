// The storage a blob store is built on: named byte objects, written whole or appended to, as the
// distribution registry's storage drivers are. Drivers know nothing of digests or sessions; the
// content-addressed layer (content-addressed-blob-store.ts) gives paths their meaning.
import type { Readable } from 'node:stream';
import type { ByteRange } from './blob-store.ts';

export interface ObjectInfo {
  readonly size: number;
  /** The time given when the object was written (ms since the epoch), where the driver keeps it. */
  readonly modifiedAt?: number;
}

export interface ListedObject extends ObjectInfo {
  /** Relative to the driver's root, `/`-separated. */
  readonly path: string;
}

/**
 * An object being appended to, as the driver needs to go on with it: JSON, kept by the layer in
 * shared storage, so that whoever holds it (another replica too) can append more or finish it.
 */
export interface AppendState {
  readonly path: string;
  /** Bytes appended and acknowledged so far. */
  readonly size: number;
  readonly [driverField: string]: unknown;
}

export interface Appended {
  readonly state: AppendState;
  /** Removes what only the previous state needed; call it once the new state is saved. */
  readonly cleanUp?: () => Promise<void>;
}

export interface BlobDriver {
  /**
   * Whether appended bytes can be read back (at the state's path) before `finishAppend`, so the
   * layer can hash them again after a restart; when not, it keeps the running digest in the state.
   */
  readonly readsUnfinishedAppends: boolean;
  stat(path: string): Promise<ObjectInfo | undefined>;
  /** The object's bytes, or a range of them; undefined when absent. */
  read(path: string, range?: ByteRange): Promise<Readable | undefined>;
  /** Writes the object whole; readers see the old object or the new one, never part of it. */
  put(path: string, content: Uint8Array, writtenAt: Date): Promise<void>;
  /** False when there was nothing to delete. */
  delete(path: string): Promise<boolean>;
  /** Objects under `prefix`, in path order, from just after `after` when given. */
  list(prefix: string, after?: string): AsyncIterable<ListedObject>;
  startAppend(path: string): Promise<AppendState>;
  /** Appends at `state.size`; bytes a failed call wrote are not part of the object. */
  append(state: AppendState, chunks: AsyncIterable<Buffer>): Promise<Appended>;
  /** Makes everything appended a readable object at the state's path; repeating it is harmless. */
  finishAppend(state: AppendState): Promise<AppendState>;
  /** Gives up an unfinished append and whatever it holds outside its path. */
  abortAppend(state: AppendState): Promise<void>;
  /** Puts the object at `from` in place of `to` (an object there already holds the same bytes) and stamps it `writtenAt`. */
  move(from: string, to: string, writtenAt: Date): Promise<void>;
  /** A URL anyone may GET the object from for `ttlSeconds`, where the storage can sign one. */
  signedUrl?(path: string, ttlSeconds: number): Promise<string>;
  /**
   * Ends the appends under `prefix` begun before `startedBefore` that hold storage of their own
   * (multipart uploads) and that no session holds (`heldBy`: the state a session has for a path).
   */
  abortAbandonedAppends?(prefix: string, startedBefore: Date, heldBy: (path: string) => Promise<AppendState | undefined>): Promise<number>;
}
