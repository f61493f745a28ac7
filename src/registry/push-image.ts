// What a manifest push does to the image streams (SPEC §8.4): creates the Image and, for a tag,
// records it on the image stream — creating the stream first if the pusher may create streams.
import type { ImageStream } from '../image/image-stream.ts';
import type { KubeObject } from '../kube/object.ts';
import type { Manifest } from '../image/manifest.ts';
import type { RegistryContext } from './registry-context.ts';
import type { Repository } from './repository-name.ts';
import { AppError, unlessNotFound } from '../errors.ts';
import { buildImage } from '../image/image-object.ts';
import { summariseImageConfig } from '../image/image-config.ts';
import { firstPrunedBlob } from './blob-deletions.ts';
import { readWholeBlob } from '../blobs/blob-store.ts';
import { holdImages } from '../streams/image-holds.ts';

const maxConfigBytes = 8 * 1024 * 1024;

/** The image stream behind a repository, read as the registry; undefined when there is none. */
export function repositoryStream(context: RegistryContext, repository: Repository): Promise<ImageStream | undefined> {
  return context.streams.find(repository.namespace, repository.name);
}

/**
 * Checks, before anything is stored, that the caller may push into this repository at all: its
 * image stream exists, or the caller may create one (a push by tag creates it). Without this a
 * `system:image-pusher` could fill repositories no stream owns with blobs and untagged manifests.
 */
export async function checkCanPushInto(context: RegistryContext, repository: Repository): Promise<ImageStream | undefined> {
  const stream = await repositoryStream(context, repository);
  if (stream) return stream;
  if (!(await context.access.allowed(context.caller, 'create-stream', repository))) {
    throw new AppError(
      'Forbidden',
      `CreateImageStreamMapping: denied creating ImageStream ${repository.path}: ${context.caller.user.name} may not create image streams in ${repository.namespace}`,
      { ociCode: 'DENIED' },
    );
  }
  return undefined;
}

/**
 * Stores the Image of a pushed manifest and, for a tag, records it on the stream (`stream`, as
 * read before the push; created here when there was none). `blobs` are the digests the Image needs
 * (its manifest, config and layers, or an index's children): if a prune took one of them while the
 * manifest was being accepted, the push fails before anything points at the Image, and the client
 * pushes the blob again. The Image (and an index's children) is held against deletion until the tag
 * is written (streams/image-holds.ts), after which the tag keeps it: a prune that listed Images and
 * streams before the tag came cannot delete what this push answers 201 for, nor, since an Image
 * that exists keeps its blobs, the blobs it needs.
 */
export async function recordPush(
  context: RegistryContext,
  repository: Repository,
  stream: ImageStream | undefined,
  digest: string,
  manifest: Manifest,
  manifestBytes: Uint8Array,
  tag: string | undefined,
  blobs: readonly string[],
): Promise<void> {
  let configBytes: Uint8Array | undefined;
  if (manifest.kind === 'image' && manifest.config.size <= maxConfigBytes)
    configBytes = await unlessNotFound(readWholeBlob(context.blobs, manifest.config.digest));
  const image: KubeObject = buildImage({
    digest,
    manifest,
    manifestBytes,
    configBytes,
    config: configBytes ? summariseImageConfig(configBytes) : undefined,
    dockerImageReference: `${context.publicHost()}/${repository.path}@${digest}`,
    managed: true,
  });
  const children = manifest.kind === 'index' ? manifest.manifests.map((m) => m.digest) : [];
  const hold = await holdImages(context, [digest, ...children]);
  try {
    // A child whose Image is gone may lose its layers to the next prune: its push must come again.
    const lost = children.find((child) => !hold.present.has(child));
    if (lost) throw pruned(lost, 'manifest');
    const created = !hold.present.has(digest) && (await context.streams.createImage(image));
    const gone = await firstPrunedBlob(context, blobs);
    if (gone) {
      await hold.release();
      // Refused, and so kept, if another push holds or tagged the same Image meanwhile.
      if (created) await context.streams.deleteImage(digest).catch(() => undefined);
      throw pruned(gone, 'blob');
    }
    if (!tag) return;
    const current = stream ?? (await context.streams.ensure(repository.namespace, repository.name));
    // The pushed tag is pulled from here, whichever repository or upstream first brought the Image.
    await context.streams.recordTag(
      repository.namespace,
      repository.name,
      tag,
      { digest, reference: `${context.publicHost()}/${repository.path}@${digest}` },
      current,
    );
  } finally {
    await hold.release().catch((error: unknown) => {
      // A hold left behind only keeps this Image from deletion until it goes stale.
      context.logger.warn('could not release the hold on a pushed image', { requestId: context.requestId, digest, error: String(error) });
    });
  }
}

function pruned(digest: string, what: 'blob' | 'manifest'): AppError {
  return new AppError('BadRequest', `${what} unknown to registry: ${digest} was pruned while this manifest was pushed; push the ${what} again`, {
    ociCode: 'MANIFEST_BLOB_UNKNOWN',
  });
}
