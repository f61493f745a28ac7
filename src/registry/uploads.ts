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
    const info = await context.blobs.appendUpload(session.id, 0, bodyStream(request)).then(() => context.blobs.commitUpload(session.id, digest)).catch(async (error: unknown) => {
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
  let offset = current.size;
  if (contentRange) {
    const match = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/\S+)?$/.exec(contentRange.trim());
    if (!match) throw new AppError('BadRequest', `invalid Content-Range "${contentRange.slice(0, 64)}"`, { ociCode: 'RANGE_INVALID' });
    offset = Number(match[1]);
    if (offset !== current.size) throw rangeInvalid(current.size, offset);
  }
  const info = await context.blobs.appendUpload(id, offset, bodyStream(request));
  return new Response(null, { status: 202, headers: sessionHeaders(repository, id, info.size) });
}

export async function finishUpload(context: RegistryContext, request: Request, url: URL, repository: Repository, id: string): Promise<Response> {
  await session(context, repository, id);
  const digest = url.searchParams.get('digest');
  if (!digest) throw new AppError('BadRequest', 'the digest query parameter is required to complete an upload', { ociCode: 'DIGEST_INVALID' });
  parseDigest(digest);
  if (request.body) {
    const current = await context.blobs.uploadStatus(id);
    await context.blobs.appendUpload(id, current.size, bodyStream(request));
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
