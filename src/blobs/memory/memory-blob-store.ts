// BlobStore in process memory: for tests and throwaway servers, with the same rules as the others.
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type { BlobInfo, BlobStore, ByteRange, UploadInfo } from '../blob-store.ts';
import { blobUnknown, checkUploadId, digestMismatch, rangeInvalid, uploadTooLarge, uploadUnknown } from '../blob-errors.ts';
import { digestOf } from '../digester.ts';
import { parseDigest } from '../../image/digest.ts';

export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Buffer>();
  private readonly written = new Map<string, number>();
  private readonly uploads = new Map<string, { chunks: Buffer[]; size: number; startedAt: string }>();

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
    this.written.set(digest, Date.now());
    return { digest, size: content.byteLength };
  }

  async delete(digest: string): Promise<void> {
    if (!this.blobs.delete(digest)) throw blobUnknown(digest);
  }

  async startUpload(): Promise<UploadInfo> {
    const id = randomUUID();
    const startedAt = new Date().toISOString();
    this.uploads.set(id, { chunks: [], size: 0, startedAt });
    return { id, size: 0, startedAt };
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
    return { id, size, startedAt: upload.startedAt };
  }

  async uploadStatus(id: string): Promise<UploadInfo> {
    const upload = this.upload(id);
    return { id, size: upload.size, startedAt: upload.startedAt };
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

  private upload(id: string) {
    checkUploadId(id);
    const upload = this.uploads.get(id);
    if (!upload) throw uploadUnknown(id);
    return upload;
  }
}
