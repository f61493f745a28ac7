// Blob uploads: monolithic (POST ?digest=, or POST then PUT), streamed and chunked PATCH with
// Content-Range, status, cancel, and cross-repository mount when the caller may pull the source.
// Bytes that can never become a blob are deleted at once, not left for the idle-session expiry.
import { Readable } from 'node:stream';
import type { RegistryContext } from './registry-context.ts';
import type { Repository } from './repository-name.ts';
import { AppError, isAppError } from '../errors.ts';
import { parseDigest } from '../image/digest.ts';
import { parseRepository } from './repository-name.ts';
import { requireRepositoryMatch } from './blobs.ts';
import { rangeInvalid } from '../blobs/blob-errors.ts';
import { takeNodeStream } from '../lib/node-streams.ts';
import { checkCanPushInto } from './push-image.ts';

function bodyStream(request: Request): Readable | Uint8Array {
  if (!request.body) return new Uint8Array();
  return takeNodeStream(request.body) ?? Readable.fromWeb(request.body as import('node:stream/web').ReadableStream);
}

function sessionHeaders(repository: Repository, id: string, size: number): Record<string, string> {
  return {
    location: `/v2/${repository.path}/blobs/uploads/${id}`,
    'docker-upload-uuid': id,
    range: `0-${Math.max(0, size - 1)}`,
    'content-length': '0',
  };
}

function committedHeaders(repository: Repository, digest: string): Record<string, string> {
  return { location: `/v2/${repository.path}/blobs/${digest}`, 'docker-content-digest': digest, 'content-length': '0' };
}

export async function startUpload(context: RegistryContext, request: Request, url: URL, repository: Repository): Promise<Response> {
  await context.access.require(context.caller, 'push', repository);
  await checkCanPushInto(context, repository);
  const mount = url.searchParams.get('mount');
  const from = url.searchParams.get('from');
  if (mount && from) {
    const mounted = await tryMount(context, repository, mount, from);
    if (mounted) return new Response(null, { status: 201, headers: committedHeaders(repository, mount) });
  }
  const digest = url.searchParams.get('digest');
  if (digest) {
    parseDigest(digest);
    const session = await context.blobs.startUpload();
    // The client never learns this session's id, so a body cut short can never be resumed.
    const info = await context.blobs
      .appendUpload(session.id, 0, bodyStream(request))
      .then(() => context.blobs.commitUpload(session.id, digest))
      .catch(async (error: unknown) => {
        await context.blobs.cancelUpload(session.id).catch(() => {});
        throw error;
      });
    await context.links.linkBlob(repository, digest, info.size);
    return new Response(null, { status: 201, headers: committedHeaders(repository, digest) });
  }
  const session = await context.blobs.startUpload();
  await context.links.recordUpload(session.id, repository);
  return new Response(null, { status: 202, headers: sessionHeaders(repository, session.id, 0) });
}

/** Links `digest` from `from` into `repository` when the caller may pull `from` and it holds the blob there. */
async function tryMount(context: RegistryContext, repository: Repository, digest: string, from: string): Promise<boolean> {
  try {
    parseDigest(digest);
    const source = parseRepository(from);
    if (!(await context.access.allowed(context.caller, 'pull', source))) return false;
    const link = await context.links.blobLink(source, digest);
    if (!link) return false;
    await context.blobs.stat(digest);
    await context.links.linkBlob(repository, digest, link.size);
    return true;
  } catch (error) {
    // A bad mount request falls back to a normal upload, as the distribution spec allows.
    if (error instanceof AppError && error.kind !== 'Internal') return false;
    throw error;
  }
}

async function session(context: RegistryContext, repository: Repository, id: string): Promise<void> {
  await context.access.require(context.caller, 'push', repository);
  requireRepositoryMatch(await context.links.uploadRepository(id), repository, id);
}

export async function patchUpload(context: RegistryContext, request: Request, repository: Repository, id: string): Promise<Response> {
  await session(context, repository, id);
  const current = await context.blobs.uploadStatus(id);
  const contentRange = request.headers.get('content-range');
  const offset = contentRange ? chunkStart(contentRange, current.size, request.headers.get('content-length')) : current.size;
  const info = await context.blobs.appendUpload(id, offset, bodyStream(request));
  return new Response(null, { status: 202, headers: sessionHeaders(repository, id, info.size) });
}

/**
 * Where a chunk starts, from `Content-Range: <start>-<end>` (inclusive on both ends, the next byte
 * of the upload, as the distribution spec has it): 416 for any other range, and 400 when a
 * Content-Length says the chunk is of another size, as the distribution registry answers.
 */
function chunkStart(contentRange: string, uploaded: number, contentLength: string | null): number {
  const match = /^(?:bytes[ =])?(\d{1,15})-(\d{1,15})(?:\/\S+)?$/.exec(contentRange.trim());
  const start = Number(match?.[1]);
  const end = Number(match?.[2]);
  if (!match || end < start)
    throw new AppError('BadRequest', `invalid Content-Range "${contentRange.slice(0, 64)}": it must be <start>-<end> with start <= end`, {
      ociCode: 'RANGE_INVALID',
    });
  if (start !== uploaded) throw rangeInvalid(uploaded, start);
  if (contentLength !== null && Number(contentLength) !== end - start + 1) {
    throw new AppError(
      'BadRequest',
      `the chunk is ${Number(contentLength)} bytes long but Content-Range "${contentRange.slice(0, 64)}" covers ${end - start + 1}`,
      { ociCode: 'SIZE_INVALID' },
    );
  }
  return start;
}

export async function finishUpload(context: RegistryContext, request: Request, url: URL, repository: Repository, id: string): Promise<Response> {
  await session(context, repository, id);
  const digest = url.searchParams.get('digest');
  if (!digest) throw new AppError('BadRequest', 'the digest query parameter is required to complete an upload', { ociCode: 'DIGEST_INVALID' });
  parseDigest(digest);
  const contentRange = request.headers.get('content-range');
  if (request.body || contentRange) {
    const current = await context.blobs.uploadStatus(id);
    // A closing chunk is held to the same rule as the others: it starts at the next byte (416 if not).
    const offset = contentRange ? chunkStart(contentRange, current.size, request.headers.get('content-length')) : current.size;
    if (request.body) await context.blobs.appendUpload(id, offset, bodyStream(request));
  }
  const info = await context.blobs.commitUpload(id, digest).catch(async (error: unknown) => {
    // Content that does not match its digest never will: the client starts over, as with the
    // distribution registry, so the session and its bytes go now.
    if (isAppError(error) && error.ociCode === 'DIGEST_INVALID') await endSession(context, id).catch(() => {});
    throw error;
  });
  await context.links.linkBlob(repository, digest, info.size);
  await context.links.forgetUpload(id);
  return new Response(null, { status: 201, headers: committedHeaders(repository, digest) });
}

export async function uploadStatus(context: RegistryContext, repository: Repository, id: string): Promise<Response> {
  await session(context, repository, id);
  const info = await context.blobs.uploadStatus(id);
  return new Response(null, { status: 204, headers: sessionHeaders(repository, id, info.size) });
}

export async function cancelUpload(context: RegistryContext, repository: Repository, id: string): Promise<Response> {
  await session(context, repository, id);
  await endSession(context, id);
  return new Response(null, { status: 204 });
}

/** The repository's record first, so a crash in between leaves a session the expiry still finds. */
async function endSession(context: RegistryContext, id: string): Promise<void> {
  await context.links.forgetUpload(id);
  await context.blobs.cancelUpload(id);
}
