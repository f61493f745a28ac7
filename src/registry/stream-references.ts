// What an image stream references (SPEC §1.8, the imagestreams/layers index): every image in its
// tag history, the children of manifest lists among them, and their config and layer blobs. The
// registry serves these in the stream's repository even when they were pushed elsewhere.
import type { KubeObject } from '../kube/object.ts';
import type { ImageStream } from '../image/image-stream.ts';
import type { RegistryContext } from './registry-context.ts';
import type { Repository } from './repository-name.ts';
import { isAppError } from '../errors.ts';
import { images } from '../api/resources/images.ts';

export interface StreamReferences {
  /** Manifest digest → its media type and size (when known). */
  readonly manifests: Map<string, { mediaType: string; size?: number }>;
  readonly blobs: Set<string>;
}

export async function streamReferences(context: RegistryContext, repository: Repository): Promise<StreamReferences> {
  const references: StreamReferences = { manifests: new Map(), blobs: new Set() };
  const streams = context.resources.storageFor(context.resources.find('image.openshift.io', 'v1', 'imagestreams')!);
  let stream: ImageStream;
  try {
    stream = (await streams.get!({ ...context.system, namespace: repository.namespace }, repository.name)) as unknown as ImageStream;
  } catch (error) {
    if (isAppError(error, 'NotFound')) return references;
    throw error;
  }
  const imageStorage = context.resources.storageFor(images);
  const seen = new Set<string>();
  const visit = async (digest: string, depth: number) => {
    if (seen.has(digest) || depth > 1) return;
    seen.add(digest);
    let image: KubeObject;
    try {
      image = await imageStorage.get!({ ...context.system, namespace: undefined }, digest);
    } catch (error) {
      if (isAppError(error, 'NotFound')) return;
      throw error;
    }
    const mediaType = String(image.dockerImageManifestMediaType ?? 'application/vnd.docker.distribution.manifest.v2+json');
    if (!references.manifests.has(digest)) references.manifests.set(digest, { mediaType });
    for (const layer of (image.dockerImageLayers ?? []) as { name: string }[]) references.blobs.add(layer.name);
    const configDigest = (image.dockerImageMetadata as { Id?: string } | undefined)?.Id;
    if (configDigest?.startsWith('sha')) references.blobs.add(configDigest);
    for (const child of (image.dockerImageManifests ?? []) as { digest: string; mediaType: string; manifestSize: number }[]) {
      references.manifests.set(child.digest, { mediaType: child.mediaType, size: child.manifestSize });
      await visit(child.digest, depth + 1);
    }
  };
  for (const tag of stream.status?.tags ?? []) for (const item of tag.items ?? []) if (item.image) await visit(item.image, 0);
  return references;
}
