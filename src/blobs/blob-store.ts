// The contract of blob backends (memory, filesystem, S3): content addressed by digest, visible only
// after the digest is verified; uploads are sessions that survive restarts and can be resumed. Both
// can be listed, so that sweeps above the interface can give back the space nothing uses.
import type { Readable } from 'node:stream';

export interface BlobInfo {
  readonly digest: string;
  readonly size: number;
  /** When the content was last written (ms since the epoch), where the backend knows. */
  readonly modifiedAt?: number;
}

export interface ByteRange {
  /** First byte, inclusive. */
  readonly start: number;
  /** Last byte, inclusive. */
  readonly end: number;
}

export interface UploadInfo {
  readonly id: string;
  /** Bytes received so far. */
  readonly size: number;
  readonly startedAt: string;
  /** When the last byte arrived (when it started, before any): idle sessions expire from here. */
  readonly updatedAt: string;
}

export interface BlobStore {
  /** Size of a stored blob; NotFound (BLOB_UNKNOWN) if absent. */
  stat(digest: string): Promise<BlobInfo>;
  /** The blob's bytes, or a range of them. NotFound if absent. */
  read(digest: string, range?: ByteRange): Promise<Readable>;
  /** Stores small content in one step; DIGEST_INVALID if `digest` does not match. */
  put(digest: string, content: Uint8Array): Promise<BlobInfo>;
  delete(digest: string): Promise<void>;
  /** A short-lived URL the client may fetch the blob from instead, when the backend is set up to hand them out. */
  redirectUrl?(digest: string): Promise<string | undefined>;
  /** Starts an upload session. */
  startUpload(): Promise<UploadInfo>;
  /**
   * Appends `data` at `offset` (which must equal the bytes received so far: RANGE_INVALID otherwise).
   * Returns the new size.
   */
  appendUpload(id: string, offset: number, data: Readable | Uint8Array, limit?: number): Promise<UploadInfo>;
  uploadStatus(id: string): Promise<UploadInfo>;
  /** Verifies the upload against `digest`, makes it a blob and ends the session. */
  commitUpload(id: string, digest: string): Promise<BlobInfo>;
  cancelUpload(id: string): Promise<void>;
  /** Every stored blob in digest order, from just after `after` when given, so a listing can go on in pages. */
  listBlobs(after?: string): AsyncIterable<BlobInfo>;
  /** Every upload session not yet committed or cancelled, those from before a restart too. */
  listUploads(): AsyncIterable<UploadInfo>;
}

/** A stored blob's bytes, whole: for manifests and image configs, which are small. */
export async function readWholeBlob(blobs: Pick<BlobStore, 'read'>, digest: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await blobs.read(digest)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
