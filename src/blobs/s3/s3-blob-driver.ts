// A BlobDriver on S3-compatible object storage (AWS S3, Swift's s3api, MinIO…), path-style. Whole
// objects are single PUTs. An append is an S3 multipart upload: parts of at least `partSize` are
// sent as they fill; what is left at the end of a call (less than a part) is kept as a small
// object of its own and prepended to the next call's bytes, since S3 wants every part but the last
// to be 5 MiB or more. The state (upload id, parts and their ETags, the tail object) is JSON that
// the layer keeps in the bucket, so another replica goes on where this one stopped. Completion
// names every part's ETag: a part overwritten meanwhile (two calls racing on one session) makes
// S3 refuse the completion rather than assemble bytes the running digest never saw.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ByteRange } from '../blob-store.ts';
import type { Appended, AppendState, BlobDriver, ListedObject, ObjectInfo } from '../blob-driver.ts';
import { AppError } from '../../errors.ts';
import { asStorageUnavailable, isMissing, storageError } from './s3-errors.ts';
import { copyObject } from './s3-copy.ts';

export interface S3DriverOptions {
  readonly endpoint: string;
  readonly bucket: string;
  /** Prepended to every key, so several servers (or other data) can share a bucket. */
  readonly prefix?: string;
  readonly region?: string;
  /** Absent: the AWS SDK's own chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profiles…). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Bytes per multipart part, 5 MiB at least (S3's minimum for all parts but the last). */
  readonly partSize?: number;
}

interface Part {
  readonly PartNumber: number;
  ETag: string;
}

interface S3AppendState extends AppendState {
  readonly uploadId?: string;
  readonly parts: readonly Part[];
  /** The bytes after the last part, as an object of their own. */
  readonly tail?: string;
  /** The object at `path` holds everything: no multipart upload is left. */
  readonly assembled?: boolean;
}

const minPartSize = 5 * 1024 * 1024;
const writtenAtKey = 'ims-written-at';

export class S3BlobDriver implements BlobDriver {
  readonly readsUnfinishedAppends = false;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly root: string;
  private readonly partSize: number;
  private readonly endpoint: string;

  constructor(options: S3DriverOptions) {
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region ?? 'us-east-1',
      forcePathStyle: true,
      credentials: options.credentials,
      // Checksums the SDK adds by default are not understood by every S3-compatible store.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    // Once for every command, outside the SDK's retries.
    this.client.middlewareStack.add(
      (next) => (args) =>
        next(args).catch((error: unknown) => {
          throw asStorageUnavailable(error);
        }),
      { step: 'initialize', name: 'imsStorageUnavailable' },
    );
    this.bucket = options.bucket;
    this.endpoint = options.endpoint;
    this.root = options.prefix ? `${options.prefix.replace(/\/+$/, '')}/` : '';
    this.partSize = Math.max(minPartSize, options.partSize ?? 10 * 1024 * 1024);
  }

  async stat(path: string): Promise<ObjectInfo | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
      const written = Number(head.Metadata?.[writtenAtKey]);
      return { size: head.ContentLength ?? 0, modifiedAt: Number.isFinite(written) ? written : head.LastModified?.getTime() };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async read(path: string, range?: ByteRange): Promise<Readable | undefined> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path), Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      return answer.Body as Readable;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async put(path: string, content: Uint8Array, writtenAt: Date): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.key(path),
        Body: content,
        ContentLength: content.byteLength,
        ContentType: 'application/octet-stream',
        Metadata: { [writtenAtKey]: String(writtenAt.getTime()) },
      }),
    );
  }

  async delete(path: string): Promise<boolean> {
    // S3 deletes answer alike whether or not the object was there.
    if (!(await this.stat(path))) return false;
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
    return true;
  }

  async *list(prefix: string, after?: string): AsyncIterable<ListedObject> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.key(prefix),
          StartAfter: token === undefined && after !== undefined ? this.key(after) : undefined,
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) if (object.Key) yield { path: object.Key.slice(this.root.length), size: object.Size ?? 0 };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async startAppend(path: string): Promise<AppendState> {
    // The multipart upload starts with the first full part: most blobs (configs, small layers) never need one.
    return { path, size: 0, parts: [] } satisfies S3AppendState;
  }

  async append(appendState: AppendState, chunks: AsyncIterable<Buffer>): Promise<Appended> {
    const state = appendState as S3AppendState;
    if (state.assembled) throw new AppError('BadRequest', 'this upload was already finished; start a new one', { ociCode: 'BLOB_UPLOAD_INVALID' });
    let uploadId = state.uploadId;
    const parts: Part[] = state.parts.map((part) => ({ ...part }));
    const buffered: Buffer[] = [];
    let bufferedBytes = 0;
    if (state.tail) {
      const tail = await this.readWhole(state.tail);
      buffered.push(tail);
      bufferedBytes = tail.byteLength;
    }
    let received = 0;
    // One part is sent while the next one is received.
    let sending: Promise<void> = Promise.resolve();
    let failure: unknown;
    const send = async (body: Buffer) => {
      await sending;
      if (failure) throw failure;
      uploadId ??= (
        await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: this.key(state.path), ContentType: 'application/octet-stream' }))
      ).UploadId!;
      const part: Part = { PartNumber: parts.length + 1, ETag: '' };
      parts.push(part);
      const id = uploadId;
      sending = this.client
        .send(
          new UploadPartCommand({
            Bucket: this.bucket,
            Key: this.key(state.path),
            UploadId: id,
            PartNumber: part.PartNumber,
            Body: body,
            ContentLength: body.byteLength,
          }),
        )
        .then((answer) => void (part.ETag = answer.ETag!))
        .catch((error: unknown) => void (failure ??= error));
    };
    try {
      for await (const chunk of chunks) {
        received += chunk.byteLength;
        buffered.push(chunk);
        bufferedBytes += chunk.byteLength;
        if (bufferedBytes >= this.partSize) {
          const body = Buffer.concat(buffered);
          buffered.length = 0;
          bufferedBytes = 0;
          await send(body);
        }
      }
    } finally {
      await sending;
    }
    if (failure) throw failure;
    if (received === 0) return { state };
    let tail: string | undefined;
    if (bufferedBytes > 0) {
      tail = `${state.path.slice(0, state.path.lastIndexOf('/'))}/tail-${randomUUID()}`;
      await this.put(tail, Buffer.concat(buffered), new Date());
    }
    const next: S3AppendState = { path: state.path, size: state.size + received, uploadId, parts, tail };
    const previousTail = state.tail;
    return { state: next, cleanUp: previousTail ? async () => void (await this.delete(previousTail)) : undefined };
  }

  async finishAppend(appendState: AppendState): Promise<AppendState> {
    const state = appendState as S3AppendState;
    if (state.assembled) return state;
    if (!state.uploadId) {
      // Everything is in the tail (or nothing came): that object is the whole content already.
      if (state.tail) return { ...state, path: state.tail, tail: undefined, assembled: true } satisfies S3AppendState;
      await this.put(state.path, new Uint8Array(0), new Date());
      return { ...state, assembled: true } satisfies S3AppendState;
    }
    const parts = [...state.parts];
    try {
      if (state.tail) {
        const body = await this.readWhole(state.tail);
        const PartNumber = parts.length + 1;
        const answer = await this.client.send(
          new UploadPartCommand({
            Bucket: this.bucket,
            Key: this.key(state.path),
            UploadId: state.uploadId,
            PartNumber,
            Body: body,
            ContentLength: body.byteLength,
          }),
        );
        parts.push({ PartNumber, ETag: answer.ETag! });
      }
      await this.client.send(
        new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: this.key(state.path), UploadId: state.uploadId, MultipartUpload: { Parts: parts } }),
      );
    } catch (error) {
      storageError(error);
    }
    return { path: state.path, size: state.size, parts: [], assembled: true } satisfies S3AppendState;
  }

  async abortAppend(appendState: AppendState): Promise<void> {
    const state = appendState as S3AppendState;
    if (!state.uploadId || state.assembled) return;
    await this.abort(state.path, state.uploadId);
  }

  async move(from: string, to: string, writtenAt: Date): Promise<void> {
    const size = (await this.stat(from))?.size;
    if (size === undefined) throw new AppError('NotFound', 'the assembled upload is gone', { ociCode: 'BLOB_UPLOAD_UNKNOWN' });
    const metadata = { [writtenAtKey]: String(writtenAt.getTime()) };
    await copyObject(this.client, { bucket: this.bucket, from: this.key(from), to: this.key(to), size, metadata });
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(from) }));
  }

  async signedUrl(path: string, ttlSeconds: number): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path) }), { expiresIn: ttlSeconds });
  }

  /**
   * Aborts the multipart uploads under `prefix` begun before `startedBefore` that no session holds
   * (`heldBy` gives the state a session has for a path): those a crash or a failed first append left.
   */
  async abortAbandonedAppends(prefix: string, startedBefore: Date, heldBy: (path: string) => Promise<AppendState | undefined>): Promise<number> {
    let aborted = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: this.key(prefix), KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
      );
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated >= startedBefore) continue;
        const path = upload.Key.slice(this.root.length);
        const held = (await heldBy(path)) as S3AppendState | undefined;
        if (held?.uploadId === upload.UploadId) continue;
        await this.abort(path, upload.UploadId);
        aborted += 1;
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return aborted;
  }

  /** Refuses to start on a bucket that is not there or not ours, rather than failing every push later. */
  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const why =
        status === 404
          ? 'does not exist'
          : status === 403
            ? 'refuses these credentials'
            : status === undefined
              ? 'cannot be reached'
              : `answers HTTP ${status}`;
      throw new AppError('Unavailable', `S3 bucket "${this.bucket}" at ${this.endpoint} ${why}`, { cause: error });
    }
  }

  close(): void {
    this.client.destroy();
  }

  private async abort(path: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key(path), UploadId: uploadId }));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  private async readWhole(path: string): Promise<Buffer> {
    const stream = await this.read(path);
    if (!stream) throw new AppError('NotFound', 'part of the upload is gone; start it again', { ociCode: 'BLOB_UPLOAD_UNKNOWN' });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  private key(path: string): string {
    return `${this.root}${path}`;
  }
}
