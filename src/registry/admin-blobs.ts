// The registry's blob endpoints for pruning. `GET /admin/blobs/` lists every stored blob with its
// size and age, a page at a time, so a prune can find blobs no Image references. `DELETE
// /admin/blobs/<digest>` removes a blob and every repository link to it, but only when no Image
// references it any more and it was not written recently; a blob kept for either reason is a 409.
// The deletion is announced first (blob-deletions.ts), so a push that starts using the blob
// meanwhile fails instead of keeping an Image whose content is gone.
import type { RegistryContext } from './registry-context.ts';
import { AppError, isAppError } from '../errors.ts';
import { parseDigest } from '../image/digest.ts';
import { announceBlobDeletion } from './blob-deletions.ts';

const linkGroup = 'registry.imagestream.io/';
const maxPage = 1000;

export async function listBlobsForPrune(context: RegistryContext, url: URL): Promise<Response> {
  await context.access.require(context.caller, 'delete');
  const nText = url.searchParams.get('n');
  if (nText !== null && !/^[1-9]\d{0,8}$/.test(nText)) throw new AppError('BadRequest', `invalid n "${nText.slice(0, 20)}": it must be a positive number`);
  const n = Math.min(Number(nText ?? maxPage), maxPage);
  const last = url.searchParams.get('last') ?? undefined;
  if (last !== undefined) parseDigest(last);
  const blobs: { digest: string; size: number; modifiedAt?: string }[] = [];
  let more = false;
  for await (const blob of context.blobs.listBlobs(last)) {
    if (blobs.length === n) {
      more = true;
      break;
    }
    blobs.push({ digest: blob.digest, size: blob.size, ...(blob.modifiedAt === undefined ? {} : { modifiedAt: new Date(blob.modifiedAt).toISOString() }) });
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (more) headers.link = `</admin/blobs/?n=${n}&last=${encodeURIComponent(blobs.at(-1)!.digest)}>; rel="next"`;
  return new Response(JSON.stringify({ blobs }), { status: 200, headers });
}

export async function deleteBlobForPrune(context: RegistryContext, url: URL, digest: string): Promise<Response> {
  parseDigest(digest);
  await context.access.require(context.caller, 'delete');
  const keepText = url.searchParams.get('keepYoungerThanSeconds') ?? '3600';
  // Anything but a number of seconds would make every blob look old enough to delete.
  if (!/^\d{1,10}$/.test(keepText))
    throw new AppError('BadRequest', `invalid keepYoungerThanSeconds "${keepText.slice(0, 20)}": it must be a number of seconds`);
  const keepYoungerMs = Number(keepText) * 1000;
  const done = await announceBlobDeletion(context, digest);
  try {
    const images = await context.store.list('image.openshift.io/images/', { filter: (value) => referencesDigest(value, digest) });
    if (images.items.length > 0)
      throw new AppError('Conflict', `blob ${digest} is still used by image ${(images.items[0].value as { metadata: { name: string } }).metadata.name}`);
    let modifiedAt: number | undefined;
    try {
      modifiedAt = (await context.blobs.stat(digest)).modifiedAt;
    } catch (error) {
      if (!isAppError(error, 'NotFound')) throw error;
    }
    if (modifiedAt !== undefined && modifiedAt > context.clock.now().getTime() - keepYoungerMs) {
      throw new AppError('Conflict', `blob ${digest} was written less than ${keepYoungerMs / 1000}s ago; it may belong to a push in progress`);
    }
    for (const kind of ['blobs/', 'manifests/', 'referrers/']) {
      const links = await context.store.list(`${linkGroup}${kind}`, { filter: (value) => (value as { digest?: string }).digest === digest });
      for (const link of links.items) await context.store.delete(link.key).catch(() => {});
    }
    if (modifiedAt !== undefined)
      await context.blobs.delete(digest).catch((error: unknown) => {
        if (!isAppError(error, 'NotFound')) throw error;
      });
  } finally {
    await done();
  }
  return new Response(null, { status: 202, headers: { 'content-length': '0' } });
}

function referencesDigest(value: unknown, digest: string): boolean {
  const image = value as {
    metadata?: { name?: string };
    dockerImageLayers?: { name: string }[];
    dockerImageMetadata?: { Id?: string };
    dockerImageManifests?: { digest: string }[];
  };
  return (
    image.metadata?.name === digest ||
    image.dockerImageMetadata?.Id === digest ||
    Boolean(image.dockerImageLayers?.some((l) => l.name === digest)) ||
    Boolean(image.dockerImageManifests?.some((m) => m.digest === digest))
  );
}
