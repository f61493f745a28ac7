// Blob reads (whole or by range) and deletes within a repository.
import type { RegistryContext } from './registry-context.ts';
import type { Repository } from './repository-name.ts';
import { AppError } from '../errors.ts';
import { parseDigest } from '../image/digest.ts';
import { blobUnknown } from '../blobs/blob-errors.ts';
import { markStreaming } from '../lib/streaming-response.ts';
import { lazyWebStream } from '../lib/node-streams.ts';
import { streamReferences } from './stream-references.ts';
import { ociErrorResponse } from './to-oci-error.ts';

export async function getBlob(context: RegistryContext, request: Request, repository: Repository, digest: string): Promise<Response> {
  parseDigest(digest);
  await context.access.require(context.caller, 'pull', repository);
  if (!(await context.links.blobLink(repository, digest))) {
    // Bytes held here for another repository prove nothing for this one (an Image or an upstream
    // may list any digest): only a verified fetch from this stream's own source links them here.
    const references = await streamReferences(context, repository);
    if (!references.blobs.has(digest) || !(await context.pullThrough?.blob(repository, digest, references, request.signal))) throw blobUnknown(digest);
  }
  const { size } = await context.blobs.stat(digest);
  // With `--s3-redirect` the client fetches the bytes from the storage itself, as distribution's `redirect` does.
  const location = request.method === 'GET' ? await context.blobs.redirectUrl?.(digest) : undefined;
  if (location) return new Response(null, { status: 307, headers: { location, 'docker-content-digest': digest, 'content-length': '0' } });
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'docker-content-digest': digest,
    'accept-ranges': 'bytes',
    etag: `"${digest}"`,
    'cache-control': 'max-age=31536000',
  };
  const range = parseRange(request.headers.get('range'), size);
  if (range === 'unsatisfiable') {
    // Answered rather than thrown: RFC 9110 wants the blob's size in Content-Range.
    return ociErrorResponse(new AppError('BadRequest', `requested range not satisfiable; the blob has ${size} bytes`, { ociCode: 'RANGE_INVALID' }), {
      'content-range': `bytes */${size}`,
    });
  }
  const length = range ? range.end - range.start + 1 : size;
  headers['content-length'] = String(length);
  if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
  const status = range ? 206 : 200;
  if (request.method === 'HEAD') return new Response(null, { status, headers });
  const stream = await context.blobs.read(digest, range ?? undefined);
  return markStreaming(new Response(lazyWebStream(stream), { status, headers }));
}

export async function deleteBlob(context: RegistryContext, repository: Repository, digest: string): Promise<Response> {
  parseDigest(digest);
  await context.access.require(context.caller, 'delete', repository);
  if (!(await context.links.unlinkBlob(repository, digest))) throw blobUnknown(digest);
  return new Response(null, { status: 202, headers: { 'content-length': '0' } });
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; null for no (or an ignorable) header. */
export function parseRange(header: string | null, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

export function requireRepositoryMatch(recorded: string | undefined, repository: Repository, id: string): void {
  if (recorded !== repository.path) throw new AppError('NotFound', `blob upload unknown to registry: ${id.slice(0, 64)}`, { ociCode: 'BLOB_UPLOAD_UNKNOWN' });
}
