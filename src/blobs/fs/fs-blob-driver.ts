// A BlobDriver on a local filesystem. Whole objects are written to tmp/, fsynced and renamed into
// place, so a crash never leaves part of one visible; appends go straight to their file and are
// fsynced before the call returns. File times are set to the time the layer gives: they are what
// stat and listings report.
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ByteRange } from '../blob-store.ts';
import type { Appended, AppendState, BlobDriver, ListedObject, ObjectInfo } from '../blob-driver.ts';
import { FileRangeStream } from './file-range-stream.ts';

const syncEveryBytes = 16 * 1024 * 1024;
const writeBatchBytes = 1024 * 1024;

/** Writes every buffer in order, however many calls a short write takes. */
async function writeAll(handle: FileHandle, buffers: Buffer[]): Promise<void> {
  let rest = buffers;
  while (rest.length > 0) {
    let { bytesWritten } = await handle.writev(rest);
    while (rest.length > 0 && bytesWritten >= rest[0].byteLength) {
      bytesWritten -= rest[0].byteLength;
      rest = rest.slice(1);
    }
    if (bytesWritten > 0) rest = [rest[0].subarray(bytesWritten), ...rest.slice(1)];
  }
}

/** The value, or undefined where the file is not there. */
async function unlessMissing<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class FsBlobDriver implements BlobDriver {
  readonly readsUnfinishedAppends = true;
  private readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  async init(): Promise<void> {
    // Owner-only, like the data dir around it: private images' layers are as private as their streams.
    await fs.mkdir(join(this.root, 'uploads'), { recursive: true, mode: 0o700 });
    await fs.mkdir(join(this.root, 'tmp'), { recursive: true, mode: 0o700 });
    // Whatever was half-written by a crashed put was never visible; drop it.
    for (const name of await fs.readdir(join(this.root, 'tmp'))) await fs.rm(join(this.root, 'tmp', name), { force: true });
  }

  async stat(path: string): Promise<ObjectInfo | undefined> {
    const stat = await unlessMissing(fs.stat(this.file(path)));
    return stat?.isFile() ? { size: stat.size, modifiedAt: stat.mtimeMs } : undefined;
  }

  async read(path: string, range?: ByteRange): Promise<Readable | undefined> {
    const handle = await unlessMissing(fs.open(this.file(path), 'r'));
    if (!handle) return undefined;
    try {
      const end = range ? range.end + 1 : (await handle.stat()).size;
      return new FileRangeStream(handle, range?.start ?? 0, end);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async put(path: string, content: Uint8Array, writtenAt: Date): Promise<void> {
    const temp = join(this.root, 'tmp', randomUUID());
    try {
      const handle = await fs.open(temp, 'w', 0o600);
      try {
        await handle.writeFile(content);
        await handle.utimes(writtenAt, writtenAt);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.rename(temp, path);
    } catch (error) {
      // A write that failed (a full disk, say) must not keep its bytes until the next restart.
      await fs.rm(temp, { force: true });
      throw error;
    }
  }

  async delete(path: string): Promise<boolean> {
    const file = this.file(path);
    if ((await unlessMissing(fs.unlink(file).then(() => true))) === undefined) return false;
    // A session's directory goes with its last file; blob directories stay for the next blob.
    if (path.startsWith('uploads/')) await fs.rmdir(dirname(file)).catch(() => undefined);
    return true;
  }

  async *list(prefix: string, after?: string): AsyncIterable<ListedObject> {
    yield* this.walk(prefix.replace(/\/$/, ''), after);
  }

  async startAppend(path: string): Promise<AppendState> {
    await fs.mkdir(dirname(this.file(path)), { recursive: true, mode: 0o700 });
    await fs.writeFile(this.file(path), '', { mode: 0o600 });
    return { path, size: 0 };
  }

  async append(state: AppendState, chunks: AsyncIterable<Buffer>): Promise<Appended> {
    const file = this.file(state.path);
    // Bytes past the acknowledged size are from a call that failed: they go.
    await fs.truncate(file, state.size).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      await fs.mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await fs.writeFile(file, '', { mode: 0o600 });
    });
    const handle = await fs.open(file, 'a');
    let size = state.size;
    try {
      // Flush to disk as the upload arrives, so the final fsync has little left to do.
      let unsynced = 0;
      let syncing: Promise<void> = Promise.resolve();
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async () => {
        if (pendingBytes === 0) return;
        // One vectored write, not a concatenated copy: fresh megabyte buffers cost GC time.
        const batch = pending;
        pending = [];
        unsynced += pendingBytes;
        pendingBytes = 0;
        await writeAll(handle, batch);
        if (unsynced >= syncEveryBytes) {
          await syncing;
          syncing = handle.datasync();
          unsynced = 0;
        }
      };
      for await (const chunk of chunks) {
        size += chunk.byteLength;
        // Fewer, larger writes: network chunks are small.
        pending.push(chunk);
        pendingBytes += chunk.byteLength;
        if (pendingBytes >= writeBatchBytes) await flush();
      }
      await flush();
      await syncing;
      await handle.datasync();
    } finally {
      await handle.close();
    }
    return { state: { ...state, size } };
  }

  async finishAppend(state: AppendState): Promise<AppendState> {
    const handle = await fs.open(this.file(state.path), 'r+');
    try {
      await handle.truncate(state.size);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return state;
  }

  async abortAppend(): Promise<void> {}

  async move(from: string, to: string, writtenAt: Date): Promise<void> {
    // The blob was written now, whenever its last byte came: a prune keeps it as young.
    await fs.utimes(this.file(from), writtenAt, writtenAt);
    await this.rename(this.file(from), to);
  }

  /** Moves a synced file into place and makes the rename durable. */
  private async rename(file: string, path: string): Promise<void> {
    const target = this.file(path);
    await fs.mkdir(dirname(target), { recursive: true, mode: 0o700 });
    await fs.rename(file, target);
    await syncDirectory(dirname(target));
  }

  private async *walk(dir: string, after: string | undefined): AsyncIterable<ListedObject> {
    const names = ((await unlessMissing(fs.readdir(this.file(dir), { withFileTypes: true }))) ?? []).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of names) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        // Every path inside sorts between `path/` and `path0`: skip the directory when `after` is past it.
        if (after === undefined || after < `${path}0`) yield* this.walk(path, after);
      } else if (entry.isFile() && (after === undefined || path > after)) {
        const stat = await unlessMissing(fs.stat(this.file(path)));
        if (stat) yield { path, size: stat.size, modifiedAt: stat.mtimeMs };
      }
    }
  }

  private file(path: string): string {
    return join(this.root, ...path.split('/'));
  }
}
