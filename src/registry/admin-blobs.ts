// `DELETE /admin/blobs/<digest>` for pruning: removes a blob and every repository link to it, but
// only when no Image references it any more and it was not written recently. The deletion is
// announced first (blob-deletions.ts), so a push that starts using the blob meanwhile fails
// instead of keeping an Image whose content is gone.
import type { RegistryContext } from './registry-context.ts';
import { AppError, isAppError } from '../errors.ts';
import { parseDigest } from '../image/digest.ts';
import { announceBlobDeletion } from './blob-deletions.ts';

const linkGroup = 'registry.imagestream.io/';

export async function deleteBlobForPrune(context: RegistryContext, url: URL, digest: string): Promise<Response> {
  parseDigest(digest);
  await context.access.require(context.caller, 'delete');
  const keepYoungerMs = Number(url.searchParams.get('keepYoungerThanSeconds') ?? '3600') * 1000;
  const done = await announceBlobDeletion(context, digest);
  try {
    const images = await context.store.list('image.openshift.io/images/', { filter: (value) => referencesDigest(value, digest) });
    if (images.items.length > 0) throw new AppError('Conflict', `blob ${digest} is still used by image ${(images.items[0].value as { metadata: { name: string } }).metadata.name}`, { ociCode: 'DENIED' });
    let modifiedAt: number | undefined;
    try {
      modifiedAt = (await context.blobs.stat(digest)).modifiedAt;
    } catch (error) {
      if (!isAppError(error, 'NotFound')) throw error;
    }
    if (modifiedAt !== undefined && modifiedAt > context.clock.now().getTime() - keepYoungerMs) {
      throw new AppError('Conflict', `blob ${digest} was written less than ${keepYoungerMs / 1000}s ago; it may belong to a push in progress`, { ociCode: 'DENIED' });
    }
    for (const kind of ['blobs/', 'manifests/', 'referrers/']) {
      const links = await context.store.list(`${linkGroup}${kind}`, { filter: (value) => (value as { digest?: string }).digest === digest });
      for (const link of links.items) await context.store.delete(link.key).catch(() => {});
    }
    if (modifiedAt !== undefined) await context.blobs.delete(digest).catch((error: unknown) => {
      if (!isAppError(error, 'NotFound')) throw error;
    });
  } finally {
    await done();
  }
  return new Response(null, { status: 202, headers: { 'content-length': '0' } });
}

function referencesDigest(value: unknown, digest: string): boolean {
  const image = value as { metadata?: { name?: string }; dockerImageLayers?: { name: string }[]; dockerImageMetadata?: { Id?: string }; dockerImageManifests?: { digest: string }[] };
  return image.metadata?.name === digest || image.dockerImageMetadata?.Id === digest || Boolean(image.dockerImageLayers?.some((l) => l.name === digest)) || Boolean(image.dockerImageManifests?.some((m) => m.digest === digest));
}
