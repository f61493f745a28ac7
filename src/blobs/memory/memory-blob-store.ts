// BlobStore in process memory: for tests and throwaway servers, with the same rules as the others.
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type { BlobInfo, BlobStore, ByteRange, UploadInfo } from '../blob-store.ts';
import { blobUnknown, checkUploadId, digestMismatch, rangeInvalid, uploadTooLarge, uploadUnknown } from '../blob-errors.ts';
import { digestOf } from '../digester.ts';
import { parseDigest } from '../../image/digest.ts';
import { systemClock, type Clock } from '../../lib/clock.ts';

interface Upload {
  chunks: Buffer[];
  size: number;
  readonly startedAt: string;
  updatedAt: string;
}

export class MemoryBlobStore implements BlobStore {
  private readonly clock: Clock;
  private readonly blobs = new Map<string, Buffer>();
  private readonly written = new Map<string, number>();
  private readonly uploads = new Map<string, Upload>();

  constructor(deps: { clock?: Clock } = {}) {
    this.clock = deps.clock ?? systemClock;
  }

  async stat(digest: string): Promise<BlobInfo> {
    const blob = this.blobs.get(digest);
    if (!blob) throw blobUnknown(digest);
    return { digest, size: blob.byteLength, modifiedAt: this.written.get(digest) };
  }

  async read(digest: string, range?: ByteRange): Promise<Readable> {
    const blob = this.blobs.get(digest);
    if (!blob) throw blobUnknown(digest);
    return Readable.from([range ? blob.subarray(range.start, range.end + 1) : blob]);
  }

  async put(digest: string, content: Uint8Array): Promise<BlobInfo> {
    const { algorithm } = parseDigest(digest);
    const actual = digestOf(content, algorithm);
    if (actual !== digest) throw digestMismatch(digest, actual);
    this.blobs.set(digest, Buffer.from(content));
    this.written.set(digest, this.clock.now().getTime());
    return { digest, size: content.byteLength };
  }

  async delete(digest: string): Promise<void> {
    if (!this.blobs.delete(digest)) throw blobUnknown(digest);
    this.written.delete(digest);
  }

  async startUpload(): Promise<UploadInfo> {
    const id = randomUUID();
    const startedAt = this.clock.now().toISOString();
    this.uploads.set(id, { chunks: [], size: 0, startedAt, updatedAt: startedAt });
    return { id, size: 0, startedAt, updatedAt: startedAt };
  }

  async appendUpload(id: string, offset: number, data: Readable | Uint8Array, limit = Infinity): Promise<UploadInfo> {
    const upload = this.upload(id);
    if (offset !== upload.size) throw rangeInvalid(upload.size, offset);
    const source = data instanceof Uint8Array ? [data] : data;
    const received: Buffer[] = [];
    let size = upload.size;
    for await (const chunk of source) {
      size += (chunk as Buffer).byteLength;
      if (size > limit) throw uploadTooLarge(limit);
      received.push(Buffer.from(chunk as Buffer));
    }
    upload.chunks.push(...received);
    upload.size = size;
    upload.updatedAt = this.clock.now().toISOString();
    return this.info(id, upload);
  }

  async uploadStatus(id: string): Promise<UploadInfo> {
    return this.info(id, this.upload(id));
  }

  async commitUpload(id: string, digest: string): Promise<BlobInfo> {
    const upload = this.upload(id);
    const info = await this.put(digest, Buffer.concat(upload.chunks));
    this.uploads.delete(id);
    return info;
  }

  async cancelUpload(id: string): Promise<void> {
    this.upload(id);
    this.uploads.delete(id);
  }

  async *listBlobs(after?: string): AsyncIterable<BlobInfo> {
    for (const digest of [...this.blobs.keys()].sort()) {
      if (after !== undefined && digest <= after) continue;
      if (this.blobs.has(digest)) yield await this.stat(digest);
    }
  }

  async *listUploads(): AsyncIterable<UploadInfo> {
    for (const [id, upload] of [...this.uploads]) if (this.uploads.has(id)) yield this.info(id, upload);
  }

  private info(id: string, upload: Upload): UploadInfo {
    return { id, size: upload.size, startedAt: upload.startedAt, updatedAt: upload.updatedAt };
  }

  private upload(id: string): Upload {
    checkUploadId(id);
    const upload = this.uploads.get(id);
    if (!upload) throw uploadUnknown(id);
    return upload;
  }
}
