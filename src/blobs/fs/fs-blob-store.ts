// BlobStore on a local filesystem. A blob becomes visible only by rename after its digest was
// verified and its bytes fsynced; upload sessions are plain files, so they survive a restart. File
// times are set from the injected clock: they are what `modifiedAt` and `updatedAt` report.
import { createReadStream, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID, createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BlobInfo, BlobStore, ByteRange, UploadInfo } from '../blob-store.ts';
import { blobUnknown, checkUploadId, digestMismatch, rangeInvalid, uploadTooLarge, uploadUnknown } from '../blob-errors.ts';
import { isDigest, parseDigest, type DigestAlgorithm } from '../../image/digest.ts';
import { systemClock, type Clock } from '../../lib/clock.ts';
import { FileRangeStream } from './file-range-stream.ts';

const syncEveryBytes = 16 * 1024 * 1024;
const writeBatchBytes = 1024 * 1024;

interface LiveUpload {
  /** Running hashes of the bytes so far, valid while `size` matches the file. */
  hashes: Map<DigestAlgorithm, Hash>;
  size: number;
  /** Serialises appends and commits of one session. */
  queue: Promise<unknown>;
}

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
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Entry names in the order digests sort in; none for a directory not made yet. */
async function sortedEntries(dir: string): Promise<string[]> {
  return ((await unlessMissing(fs.readdir(dir))) ?? []).sort();
}

/**
 * Where the verified blobs of a store rooted at `root` live (beside `uploads/` and `tmp/`): immutable
 * files named by digest, which a backup copies with any file tool.
 */
export function fsBlobContentDir(root: string): string {
  return join(root, 'blobs');
}

export class FsBlobStore implements BlobStore {
  private readonly root: string;
  private readonly clock: Clock;
  private readonly live = new Map<string, LiveUpload>();

  constructor(root: string, deps: { clock?: Clock } = {}) {
    this.root = root;
    this.clock = deps.clock ?? systemClock;
  }

  async init(): Promise<this> {
    // Owner-only, like the data dir around it: private images' layers are as private as their streams.
    await fs.mkdir(join(this.root, 'uploads'), { recursive: true, mode: 0o700 });
    await fs.mkdir(join(this.root, 'tmp'), { recursive: true, mode: 0o700 });
    // Whatever was half-written by a crashed put was never visible; drop it.
    for (const name of await fs.readdir(join(this.root, 'tmp'))) await fs.rm(join(this.root, 'tmp', name), { force: true });
    return this;
  }

  async stat(digest: string): Promise<BlobInfo> {
    try {
      const stat = await fs.stat(this.blobPath(digest));
      return { digest, size: stat.size, modifiedAt: stat.mtimeMs };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw blobUnknown(digest);
      throw error;
    }
  }

  async read(digest: string, range?: ByteRange): Promise<Readable> {
    const path = this.blobPath(digest);
    const handle = await fs.open(path, 'r').catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? blobUnknown(digest) : error;
    });
    try {
      const end = range ? range.end + 1 : (await handle.stat()).size;
      return new FileRangeStream(handle, range?.start ?? 0, end);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async put(digest: string, content: Uint8Array): Promise<BlobInfo> {
    const { algorithm } = parseDigest(digest);
    const actual = `${algorithm}:${createHash(algorithm).update(content).digest('hex')}`;
    if (actual !== digest) throw digestMismatch(digest, actual);
    const temp = join(this.root, 'tmp', randomUUID());
    try {
      const handle = await fs.open(temp, 'w');
      try {
        await handle.writeFile(content);
        await this.touch(handle);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.publish(temp, digest);
    } catch (error) {
      // A write that failed (a full disk, say) must not keep its bytes until the next restart.
      await fs.rm(temp, { force: true });
      throw error;
    }
    return { digest, size: content.byteLength };
  }

  async delete(digest: string): Promise<void> {
    await fs.unlink(this.blobPath(digest)).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? blobUnknown(digest) : error;
    });
  }

  async startUpload(): Promise<UploadInfo> {
    const id = randomUUID();
    const dir = this.uploadDir(id);
    await fs.mkdir(dir);
    const now = this.clock.now();
    const startedAt = now.toISOString();
    await fs.writeFile(join(dir, 'startedat'), startedAt);
    await fs.writeFile(join(dir, 'data'), '');
    await fs.utimes(join(dir, 'data'), now, now);
    this.live.set(id, { hashes: new Map([['sha256', createHash('sha256')]]), size: 0, queue: Promise.resolve() });
    return { id, size: 0, startedAt, updatedAt: startedAt };
  }

  async appendUpload(id: string, offset: number, data: Readable | Uint8Array, limit = Infinity): Promise<UploadInfo> {
    return this.serialised(id, async (live) => {
      const current = await this.uploadStatus(id);
      if (offset !== current.size) throw rangeInvalid(current.size, offset);
      const hashes = live.size === current.size ? live.hashes : undefined;
      let size = current.size;
      let updatedAt = current.updatedAt;
      const source = data instanceof Uint8Array ? [Buffer.from(data)] : data;
      const handle = await fs.open(join(this.uploadDir(id), 'data'), 'a');
      try {
        // Flush to disk as the upload arrives, so the fsync at commit has little left to do.
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
        for await (const chunk of source as AsyncIterable<Buffer>) {
          size += chunk.byteLength;
          if (size > limit) throw uploadTooLarge(limit);
          for (const hash of hashes?.values() ?? []) hash.update(chunk);
          // Fewer, larger writes: network chunks are small.
          pending.push(chunk);
          pendingBytes += chunk.byteLength;
          if (pendingBytes >= writeBatchBytes) await flush();
        }
        await flush();
        await syncing;
        updatedAt = (await this.touch(handle)).toISOString();
      } catch (error) {
        // A failed append leaves a file the running hash no longer describes: hash again at commit.
        live.size = -1;
        throw error;
      } finally {
        await handle.close();
      }
      if (hashes) live.size = size;
      return { id, size, startedAt: current.startedAt, updatedAt };
    });
  }

  async uploadStatus(id: string): Promise<UploadInfo> {
    checkUploadId(id);
    const dir = this.uploadDir(id);
    try {
      const [stat, startedAt] = await Promise.all([fs.stat(join(dir, 'data')), fs.readFile(join(dir, 'startedat'), 'utf8')]);
      return { id, size: stat.size, startedAt, updatedAt: new Date(stat.mtimeMs).toISOString() };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw uploadUnknown(id);
      throw error;
    }
  }

  async commitUpload(id: string, digest: string): Promise<BlobInfo> {
    const { algorithm } = parseDigest(digest);
    return this.serialised(id, async (live) => {
      const { size } = await this.uploadStatus(id);
      const data = join(this.uploadDir(id), 'data');
      const running = live.size === size ? live.hashes.get(algorithm) : undefined;
      const actual = `${algorithm}:${running ? running.copy().digest('hex') : await hashFile(data, algorithm)}`;
      if (actual !== digest) throw digestMismatch(digest, actual);
      const handle = await fs.open(data, 'r+');
      try {
        // The blob was written now, whenever its last byte came: a prune keeps it as young.
        await this.touch(handle);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.publish(data, digest);
      await fs.rm(this.uploadDir(id), { recursive: true, force: true });
      this.live.delete(id);
      return { digest, size };
    });
  }

  async cancelUpload(id: string): Promise<void> {
    checkUploadId(id);
    // Only the directory need be there: one a crash left half made or half committed goes too.
    if (!(await unlessMissing(fs.stat(this.uploadDir(id))))) throw uploadUnknown(id);
    this.live.delete(id);
    await fs.rm(this.uploadDir(id), { recursive: true, force: true });
  }

  async *listBlobs(after?: string): AsyncIterable<BlobInfo> {
    const from = after === undefined ? undefined : parseDigest(after);
    const top = fsBlobContentDir(this.root);
    for (const algorithm of await sortedEntries(top)) {
      if (from && algorithm < from.algorithm) continue;
      for (const prefix of await sortedEntries(join(top, algorithm))) {
        if (from && algorithm === from.algorithm && prefix < from.hex.slice(0, 2)) continue;
        for (const hex of await sortedEntries(join(top, algorithm, prefix))) {
          const digest = `${algorithm}:${hex}`;
          if (!isDigest(digest) || (after !== undefined && digest <= after)) continue;
          const stat = await unlessMissing(fs.stat(join(top, algorithm, prefix, hex)));
          if (stat) yield { digest, size: stat.size, modifiedAt: stat.mtimeMs };
        }
      }
    }
  }

  async *listUploads(): AsyncIterable<UploadInfo> {
    for (const id of await sortedEntries(join(this.root, 'uploads'))) {
      try {
        checkUploadId(id);
      } catch {
        continue;
      }
      const dir = this.uploadDir(id);
      const [made, data, startedAt] = await Promise.all([
        unlessMissing(fs.stat(dir)),
        unlessMissing(fs.stat(join(dir, 'data'))),
        unlessMissing(fs.readFile(join(dir, 'startedat'), 'utf8')),
      ]);
      if (!made) continue;
      // A session a crash left without its files is listed by its directory's time, so it expires too.
      const updatedAt = new Date(data?.mtimeMs ?? made.mtimeMs).toISOString();
      yield { id, size: data?.size ?? 0, startedAt: startedAt ?? updatedAt, updatedAt };
    }
  }

  /** Moves a verified, synced file into place; the same content already there is fine. */
  private async publish(file: string, digest: string): Promise<void> {
    const target = this.blobPath(digest);
    const dir = join(target, '..');
    await fs.mkdir(dir, { recursive: true });
    await fs.rename(file, target);
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Sets the file's times to the clock's now, which is what listings and stats report. */
  private async touch(handle: FileHandle): Promise<Date> {
    const now = this.clock.now();
    await handle.utimes(now, now);
    return now;
  }

  private async serialised<T>(id: string, work: (live: LiveUpload) => Promise<T>): Promise<T> {
    checkUploadId(id);
    let live = this.live.get(id);
    if (!live) {
      // A session from before a restart: no running hash (size -1), commit hashes the file.
      live = { hashes: new Map(), size: -1, queue: Promise.resolve() };
      this.live.set(id, live);
    }
    const run = live.queue.then(
      () => work(live),
      () => work(live),
    );
    live.queue = run.catch(() => undefined);
    return run;
  }

  private blobPath(digest: string): string {
    const { algorithm, hex } = parseDigest(digest);
    return join(fsBlobContentDir(this.root), algorithm, hex.slice(0, 2), hex);
  }

  private uploadDir(id: string): string {
    return join(this.root, 'uploads', id);
  }
}

async function hashFile(path: string, algorithm: DigestAlgorithm): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
