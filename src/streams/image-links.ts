// Copies what one repository holds of an image (its manifest, config and layers, and for a manifest
// list its children and theirs) into another, when a stream is tagged from a stream the caller may
// read. Only links the source really has are copied: nothing becomes readable that was not already.
import type { ResourceStore } from '../store/resource-store.ts';
import type { Repository, RepositoryLinks } from './repository-links.ts';
import { unlessNotFound } from '../errors.ts';
import { objectKey } from '../kube/object.ts';

interface StoredImage {
  readonly dockerImageLayers?: readonly { readonly name: string }[];
  readonly dockerImageMetadata?: { readonly Id?: string };
  readonly dockerImageManifests?: readonly { readonly digest: string }[];
}

export interface ImageLinkDeps {
  readonly store: Pick<ResourceStore, 'get'>;
  readonly links: Pick<RepositoryLinks, 'manifestLink' | 'linkManifest' | 'blobLink' | 'linkBlob'>;
}

/** Links into `to` every part of image `digest` that `from` holds; the number of links made. */
export async function copyImageLinks(deps: ImageLinkDeps, digest: string, from: Repository, to: Repository): Promise<number> {
  if (from.path === to.path) return 0;
  return copyManifest(deps, digest, from, to, 0);
}

async function copyManifest(deps: ImageLinkDeps, digest: string, from: Repository, to: Repository, depth: number): Promise<number> {
  const manifest = await deps.links.manifestLink(from, digest);
  if (!manifest) return 0;
  let copied = 0;
  if (!(await deps.links.manifestLink(to, digest))) {
    // The referrer index belongs to the source repository's artifacts, not to a copy of the image.
    await deps.links.linkManifest(to, { digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.size });
    copied++;
  }
  const image = await readImage(deps.store, digest);
  if (!image) return copied;
  const blobs = [
    ...(image.dockerImageLayers ?? []).map((layer) => layer.name),
    ...(image.dockerImageMetadata?.Id?.startsWith('sha') ? [image.dockerImageMetadata.Id] : []),
  ];
  for (const blob of blobs) {
    const link = await deps.links.blobLink(from, blob);
    if (!link || (await deps.links.blobLink(to, blob))) continue;
    await deps.links.linkBlob(to, blob, link.size);
    copied++;
  }
  // A manifest list's children are images of their own, one level down and no further.
  if (depth === 0) for (const child of image.dockerImageManifests ?? []) copied += await copyManifest(deps, child.digest, from, to, depth + 1);
  return copied;
}

async function readImage(store: Pick<ResourceStore, 'get'>, digest: string): Promise<StoredImage | undefined> {
  return (await unlessNotFound(store.get(objectKey('image.openshift.io', 'images', '', digest))))?.value as StoredImage | undefined;
}
