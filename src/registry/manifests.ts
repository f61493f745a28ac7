// Manifests by tag or digest: exact bytes in, exact bytes out. A push is checked against what the
// repository holds, stored by digest, linked, and recorded as an Image and a stream tag.
import type { RegistryContext } from './registry-context.ts';
import type { Repository } from './repository-name.ts';
import { AppError, isAppError } from '../errors.ts';
import { parseDigest, isDigest } from '../image/digest.ts';
import { maxManifestBytes, parseManifest, referencedBlobs } from '../image/manifest.ts';
import { isNonDistributable } from '../image/media-types.ts';
import { latestTagEvent } from '../image/image-stream.ts';
import { digestOf } from '../blobs/digester.ts';
import { readRequestAtMost } from '../lib/read-limited.ts';
import { isTag } from './repository-name.ts';
import { checkCanPushInto, recordPush, repositoryStream } from './push-image.ts';
import { streamReferences } from './stream-references.ts';
import { readWholeBlob } from '../blobs/blob-store.ts';

const manifestUnknown = (reference: string) => new AppError('NotFound', `manifest unknown: ${reference.slice(0, 140)}`, { ociCode: 'MANIFEST_UNKNOWN' });

function checkReference(reference: string): void {
  if (isDigest(reference) || isTag(reference)) return;
  if (reference.includes(':')) parseDigest(reference);
  throw new AppError('BadRequest', `invalid tag "${reference.slice(0, 140)}"`, { ociCode: 'TAG_INVALID' });
}

/** The digest a tag or digest reference names in this repository. */
export async function resolve(context: RegistryContext, repository: Repository, reference: string): Promise<string> {
  if (isDigest(reference)) return reference;
  const load = async () => {
    const stream = await repositoryStream(context, repository);
    return stream ? { exists: true, digest: latestTagEvent(stream, reference)?.image || undefined } : { exists: false };
  };
  const found = context.tags ? await context.tags.get(`${repository.path}:${reference}`, load) : await load();
  if (!found.exists) throw new AppError('NotFound', `repository name not known to registry: ${repository.path}`, { ociCode: 'NAME_UNKNOWN' });
  if (!found.digest) throw manifestUnknown(reference);
  return found.digest;
}

/**
 * A manifest the stream references but this repository does not hold, pulled through from the
 * stream's source. A copy held for another repository is not served: that the stream's history
 * names a digest proves nothing about who may read its bytes.
 */
async function referencedManifest(
  context: RegistryContext,
  repository: Repository,
  digest: string,
  signal?: AbortSignal,
): Promise<{ mediaType: string; size: number } | undefined> {
  const references = await streamReferences(context, repository);
  if (!references.manifests.has(digest)) return undefined;
  if (!(await context.pullThrough?.manifest(repository, digest, references, signal))) return undefined;
  return context.links.manifestLink(repository, digest);
}

export async function getManifest(context: RegistryContext, request: Request, repository: Repository, reference: string): Promise<Response> {
  checkReference(reference);
  await context.access.require(context.caller, 'pull', repository);
  const digest = await resolve(context, repository, reference);
  const link = (await context.links.manifestLink(repository, digest)) ?? (await referencedManifest(context, repository, digest, request.signal));
  if (!link) throw manifestUnknown(reference);
  const headers = { 'content-type': link.mediaType, 'content-length': String(link.size), 'docker-content-digest': digest, etag: `"${digest}"` };
  let bytes = context.manifests?.get(digest);
  // HEAD answers 200 only when a GET would deliver the bytes: a replica whose blob store lacks them
  // (blobs not shared between replicas) says MANIFEST_UNKNOWN to both, never 200 and then 404.
  if (!bytes && request.method === 'HEAD') await unlessContentMissing(context, repository, digest, reference, context.blobs.stat(digest));
  if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
  if (!bytes) {
    bytes = await unlessContentMissing(context, repository, digest, reference, readWholeBlob(context.blobs, digest));
    context.manifests?.set(digest, bytes);
  }
  return new Response(bytes as Uint8Array<ArrayBuffer>, { status: 200, headers });
}

/** The manifest's bytes, or MANIFEST_UNKNOWN (logged: the store names content this blob store lacks). */
async function unlessContentMissing<T>(context: RegistryContext, repository: Repository, digest: string, reference: string, content: Promise<T>): Promise<T> {
  try {
    return await content;
  } catch (error) {
    if (!isAppError(error, 'NotFound')) throw error;
    context.logger.warn('a linked manifest is missing from the blob store; do the replicas share their blobs?', {
      requestId: context.requestId,
      repository: repository.path,
      digest,
    });
    throw manifestUnknown(reference);
  }
}

export async function putManifest(context: RegistryContext, request: Request, repository: Repository, reference: string): Promise<Response> {
  checkReference(reference);
  await context.access.require(context.caller, 'push', repository);
  const tag = isDigest(reference) ? undefined : reference;
  const stream = await checkCanPushInto(context, repository);
  const bytes = await readRequestAtMost(request, maxManifestBytes);
  if (!bytes) throw new AppError('TooLarge', `the manifest is larger than the limit of ${maxManifestBytes} bytes`, { ociCode: 'SIZE_INVALID' });
  const manifest = parseManifest(bytes, request.headers.get('content-type'));
  const algorithm = isDigest(reference) ? parseDigest(reference).algorithm : 'sha256';
  const digest = digestOf(bytes, algorithm);
  if (!tag && digest !== reference) throw new AppError('BadRequest', `manifest digest ${digest} does not match ${reference}`, { ociCode: 'DIGEST_INVALID' });
  const needed: string[] = [digest];
  if (manifest.kind === 'image') {
    for (const blob of referencedBlobs(manifest)) {
      if (isNonDistributable(blob.mediaType)) continue;
      if (!(await context.links.blobLink(repository, blob.digest)))
        throw new AppError('BadRequest', `blob unknown to registry: ${blob.digest}`, { ociCode: 'MANIFEST_BLOB_UNKNOWN' });
      needed.push(blob.digest);
    }
  } else {
    for (const child of manifest.manifests) {
      if (!(await context.links.manifestLink(repository, child.digest)))
        // The spec's code for any descriptor the registry lacks, child manifests included (and a 400, as distribution answers).
        throw new AppError('BadRequest', `manifest blob unknown: the index references ${child.digest}, which this repository does not hold`, {
          ociCode: 'MANIFEST_BLOB_UNKNOWN',
        });
      needed.push(child.digest);
    }
  }
  await context.blobs.put(digest, bytes);
  await context.links.linkManifest(repository, {
    digest,
    mediaType: manifest.mediaType,
    size: bytes.byteLength,
    subject: manifest.subject?.digest,
    artifactType: manifest.artifactType ?? (manifest.kind === 'image' ? manifest.config.mediaType : undefined),
    annotations: manifest.annotations as Record<string, string> | undefined,
  });
  await recordPush(context, repository, stream, digest, manifest, bytes, tag, needed);
  const headers: Record<string, string> = { location: `/v2/${repository.path}/manifests/${digest}`, 'docker-content-digest': digest, 'content-length': '0' };
  if (manifest.subject) headers['oci-subject'] = manifest.subject.digest;
  return new Response(null, { status: 201, headers });
}

export async function deleteManifest(context: RegistryContext, repository: Repository, reference: string): Promise<Response> {
  checkReference(reference);
  if (!isDigest(reference)) return deleteTag(context, repository, reference);
  await context.access.require(context.caller, 'delete', repository);
  const unlinked = await context.links.unlinkManifest(repository, reference);
  // Deleting a manifest drops its tags too, as in a registry.
  const untagged = await context.streams.forgetImage(repository.namespace, repository.name, reference);
  if (!unlinked && !untagged) throw manifestUnknown(reference);
  return new Response(null, { status: 202, headers: { 'content-length': '0' } });
}

/** `DELETE /v2/<name>/manifests/<tag>` (distribution spec 1.1): the tag goes, its manifest stays. */
async function deleteTag(context: RegistryContext, repository: Repository, tag: string): Promise<Response> {
  await context.access.require(context.caller, 'delete-tag', repository);
  if (!(await context.streams.removeTag(repository.namespace, repository.name, tag))) throw manifestUnknown(tag);
  return new Response(null, { status: 202, headers: { 'content-length': '0' } });
}
