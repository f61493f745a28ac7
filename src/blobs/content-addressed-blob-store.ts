// The BlobStore every backend shares, above a thin driver (blob-driver.ts): blobs named by digest,
// written only after their digest is verified, and upload sessions whose whole state (offset, the
// driver's append state, the running digest where the driver needs it) is an object in the
// driver's own storage, so that any process on the same storage can go on with a session.
//
// Layout under the driver's root:
//   blobs/<algorithm>/<first 2 hex>/<hex>   verified content
//   uploads/<id>/session                    the session (JSON)
//   uploads/<id>/data, …                    what the driver appends to
import { createHash, randomUUID, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { BlobInfo, BlobStore, ByteRange, UploadInfo } from './blob-store.ts';
import type { AppendState, BlobDriver } from './blob-driver.ts';
import { blobUnknown, checkUploadId, digestMismatch, rangeInvalid, uploadTooLarge, uploadUnknown } from './blob-errors.ts';
import { digestOf } from './digester.ts';
import { resumeSha256, type ResumableSha256 } from './resumable-sha256.ts';
import { isDigest, parseDigest } from '../image/digest.ts';
import { systemClock, type Clock } from '../lib/clock.ts';

interface Session {
  readonly id: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly size: number;
  readonly append: AppendState;
  /** The saved SHA-256 state after `size` bytes, for drivers that cannot read unfinished appends. */
  readonly sha256?: string;
}

/** A running hash of a session in this process, valid while the session is as this process left it. */
interface LiveHash {
  readonly size: number;
  readonly updatedAt: string;
  readonly hash: Hash;
}

const describes = (live: LiveHash | undefined, session: Session) => live?.size === session.size && live.updatedAt === session.updatedAt;

export function blobPath(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `blobs/${algorithm}/${hex.slice(0, 2)}/${hex}`;
}

function digestOfPath(path: string): string | undefined {
  const [top, algorithm, prefix, hex, ...rest] = path.split('/');
  const digest = `${algorithm}:${hex}`;
  return top === 'blobs' && rest.length === 0 && hex?.startsWith(prefix) && isDigest(digest) ? digest : undefined;
}

const sessionDir = (id: string) => `uploads/${id}/`;
const sessionPath = (id: string) => `uploads/${id}/session`;

export class ContentAddressedBlobStore implements BlobStore {
  private readonly driver: BlobDriver;
  private readonly clock: Clock;
  private readonly live = new Map<string, LiveHash>();
  /** Serialises the appends and commits of one session within this process. */
  private readonly queues = new Map<string, Promise<unknown>>();

  private readonly redirectTtlSeconds?: number;

  /** `redirectTtlSeconds`: hand out signed URLs valid that long for blob reads, where the driver signs them. */
  constructor(driver: BlobDriver, deps: { clock?: Clock; redirectTtlSeconds?: number } = {}) {
    this.driver = driver;
    this.clock = deps.clock ?? systemClock;
    this.redirectTtlSeconds = deps.redirectTtlSeconds;
  }

  async stat(digest: string): Promise<BlobInfo> {
    const info = await this.driver.stat(blobPath(digest));
    if (!info) throw blobUnknown(digest);
    return { digest, size: info.size, modifiedAt: info.modifiedAt };
  }

  async read(digest: string, range?: ByteRange): Promise<Readable> {
    const stream = await this.driver.read(blobPath(digest), range);
    if (!stream) throw blobUnknown(digest);
    return stream;
  }

  async redirectUrl(digest: string): Promise<string | undefined> {
    if (this.redirectTtlSeconds === undefined || !this.driver.signedUrl) return undefined;
    return this.driver.signedUrl(blobPath(digest), this.redirectTtlSeconds);
  }

  /**
   * Gives back the storage of appends no session holds, begun more than `olderThanMs` ago: a crash
   * between starting one and saving its session leaves them, and only the driver can list them.
   */
  async abortAbandonedAppends(olderThanMs: number): Promise<number> {
    if (!this.driver.abortAbandonedAppends) return 0;
    const startedBefore = new Date(this.clock.now().getTime() - olderThanMs);
    return this.driver.abortAbandonedAppends(
      'uploads/',
      startedBefore,
      async (path) => (await this.session(path.split('/')[1]).catch(() => undefined))?.append,
    );
  }

  async put(digest: string, content: Uint8Array): Promise<BlobInfo> {
    const actual = digestOf(content, parseDigest(digest).algorithm);
    if (actual !== digest) throw digestMismatch(digest, actual);
    await this.driver.put(blobPath(digest), content, this.clock.now());
    return { digest, size: content.byteLength };
  }

  async delete(digest: string): Promise<void> {
    if (!(await this.driver.delete(blobPath(digest)))) throw blobUnknown(digest);
  }

  async startUpload(): Promise<UploadInfo> {
    const id = randomUUID();
    const startedAt = this.clock.now().toISOString();
    const session: Session = { id, startedAt, updatedAt: startedAt, size: 0, append: await this.driver.startAppend(`${sessionDir(id)}data`) };
    await this.save(session);
    if (this.driver.readsUnfinishedAppends) this.live.set(id, { size: 0, updatedAt: startedAt, hash: createHash('sha256') });
    return info(session);
  }

  async appendUpload(id: string, offset: number, data: Readable | Uint8Array, limit = Infinity): Promise<UploadInfo> {
    return this.serialised(id, async () => {
      const session = await this.session(id);
      if (offset !== session.size) throw rangeInvalid(session.size, offset);
      const live = this.live.get(id);
      const hash = describes(live, session) ? live!.hash : undefined;
      const resumable: ResumableSha256 | undefined = this.driver.readsUnfinishedAppends ? undefined : await resumeSha256(session.sha256);
      let size = session.size;
      async function* counted(): AsyncIterable<Buffer> {
        for await (const chunk of (data instanceof Uint8Array ? [Buffer.from(data)] : data) as AsyncIterable<Buffer>) {
          size += chunk.byteLength;
          if (size > limit) throw uploadTooLarge(limit);
          hash?.update(chunk);
          resumable?.update(chunk);
          yield chunk;
        }
      }
      // Until the new state is saved, the bytes of this call are not part of the session.
      this.live.delete(id);
      const appended = await this.driver.append(session.append, counted());
      const next: Session = { ...session, size, updatedAt: this.clock.now().toISOString(), append: appended.state, sha256: resumable?.save() };
      await this.save(next);
      if (hash) this.live.set(id, { size, updatedAt: next.updatedAt, hash });
      await appended.cleanUp?.().catch(() => undefined);
      return info(next);
    });
  }

  async uploadStatus(id: string): Promise<UploadInfo> {
    return info(await this.session(id));
  }

  async commitUpload(id: string, digest: string): Promise<BlobInfo> {
    const { algorithm } = parseDigest(digest);
    return this.serialised(id, async () => {
      let session = await this.session(id);
      let actual: string | undefined;
      if (algorithm === 'sha256') {
        const live = this.live.get(id);
        if (describes(live, session)) actual = `sha256:${live!.hash.copy().digest('hex')}`;
        else if (!this.driver.readsUnfinishedAppends) actual = (await resumeSha256(session.sha256)).digest();
      }
      // A wrong digest known before the bytes are assembled leaves the session as it was.
      if (actual !== undefined && actual !== digest) throw digestMismatch(digest, actual);
      const finished = await this.driver.finishAppend(session.append);
      if (!this.driver.readsUnfinishedAppends) {
        // Assembling cannot be undone: saved, so that a PUT tried again after a failure finds it done.
        session = { ...session, append: finished };
        await this.save(session);
      }
      actual ??= await this.hashAppended(session, algorithm);
      if (actual !== digest) throw digestMismatch(digest, actual);
      await this.driver.move(finished.path, blobPath(digest), this.clock.now());
      await this.removeSession(id);
      return { digest, size: session.size };
    });
  }

  async cancelUpload(id: string): Promise<void> {
    checkUploadId(id);
    return this.serialised(id, async () => {
      const session = await this.session(id).catch(() => undefined);
      if (session) await this.driver.abortAppend(session.append);
      else if (!(await this.leftovers(id))) throw uploadUnknown(id);
      await this.removeSession(id);
    });
  }

  async *listBlobs(after?: string): AsyncIterable<BlobInfo> {
    for await (const object of this.driver.list('blobs/', after === undefined ? undefined : blobPath(after))) {
      const digest = digestOfPath(object.path);
      if (!digest) continue;
      const modifiedAt = object.modifiedAt ?? (await this.driver.stat(object.path))?.modifiedAt;
      yield { digest, size: object.size, modifiedAt };
    }
  }

  async *listUploads(): AsyncIterable<UploadInfo> {
    // A listing is in path order, so each session's objects come together.
    let id: string | undefined;
    let objects: { path: string; size: number; modifiedAt?: number }[] = [];
    const flush = async (): Promise<UploadInfo | undefined> => (id === undefined ? undefined : this.listedSession(id, objects));
    for await (const object of this.driver.list('uploads/')) {
      const owner = object.path.split('/')[1];
      if (owner !== id) {
        const done = await flush();
        if (done) yield done;
        id = owner;
        objects = [];
      }
      objects.push(object);
    }
    const done = await flush();
    if (done) yield done;
  }

  /** A listed session, or what a crash left of one: listed by its objects' time, so that it expires too. */
  private async listedSession(id: string, objects: readonly { path: string; size: number; modifiedAt?: number }[]): Promise<UploadInfo | undefined> {
    try {
      checkUploadId(id);
    } catch {
      return undefined;
    }
    const session = await this.session(id).catch(() => undefined);
    if (session) return info(session);
    const times = await Promise.all(objects.map(async (o) => o.modifiedAt ?? (await this.driver.stat(o.path))?.modifiedAt ?? this.clock.now().getTime()));
    const updatedAt = new Date(Math.max(...times)).toISOString();
    return { id, size: objects.find((o) => o.path === `${sessionDir(id)}data`)?.size ?? 0, startedAt: updatedAt, updatedAt };
  }

  private async leftovers(id: string): Promise<boolean> {
    for await (const _ of this.driver.list(sessionDir(id))) return true;
    return false;
  }

  private async removeSession(id: string): Promise<void> {
    this.live.delete(id);
    const paths: string[] = [];
    for await (const object of this.driver.list(sessionDir(id))) paths.push(object.path);
    // The session's own record goes last: until then, a crash leaves it listed, and it expires.
    for (const path of paths.filter((p) => p !== sessionPath(id))) await this.driver.delete(path);
    await this.driver.delete(sessionPath(id));
  }

  private async hashAppended(session: Session, algorithm: Parameters<typeof createHash>[0]): Promise<string> {
    const hash = createHash(algorithm);
    if (session.size > 0) {
      const stream = await this.driver.read(session.append.path, { start: 0, end: session.size - 1 });
      if (!stream) throw uploadUnknown(session.id);
      for await (const chunk of stream) hash.update(chunk as Buffer);
    }
    return `${algorithm}:${hash.digest('hex')}`;
  }

  private async session(id: string): Promise<Session> {
    checkUploadId(id);
    const stream = await this.driver.read(sessionPath(id));
    if (!stream) throw uploadUnknown(id);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const session = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Session;
    if (session.id !== id || typeof session.size !== 'number' || typeof session.append?.path !== 'string') throw uploadUnknown(id);
    return session;
  }

  private async save(session: Session): Promise<void> {
    await this.driver.put(sessionPath(session.id), Buffer.from(JSON.stringify(session)), new Date(session.updatedAt));
  }

  private async serialised<T>(id: string, work: () => Promise<T>): Promise<T> {
    checkUploadId(id);
    const run = (this.queues.get(id) ?? Promise.resolve()).then(work, work);
    const settled = run.catch(() => undefined);
    this.queues.set(id, settled);
    void settled.then(() => {
      if (this.queues.get(id) === settled) this.queues.delete(id);
    });
    return run;
  }
}

function info(session: Session): UploadInfo {
  return { id: session.id, size: session.size, startedAt: session.startedAt, updatedAt: session.updatedAt };
}
