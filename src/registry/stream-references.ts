// What an image stream references (SPEC §1.8, the imagestreams/layers index): every image in its
// tag history, the children of manifest lists among them, and their config and layer blobs. The
// registry serves these in the stream's repository even when they were pushed elsewhere.
import type { ImageStreams } from '../streams/image-streams.ts';
import type { Repository } from './repository-name.ts';

/** What reading references needs, and a RegistryContext has: naming RegistryContext here would be a cycle, as it names PullThrough, which names StreamReferences. */
export interface StreamReferencesDeps {
  readonly streams: Pick<ImageStreams, 'find' | 'findImage'>;
  readonly publicHost: () => string;
}

export interface UpstreamSource {
  /** `registry/namespace/name` the image came from. */
  readonly repository: string;
  readonly insecure: boolean;
}

export interface StreamReferences {
  /** Manifest digest → its media type and size (when known). */
  readonly manifests: Map<string, { mediaType: string; size?: number }>;
  readonly blobs: Set<string>;
  /** Where each referenced digest (manifest or blob) can be fetched from upstream, newest tag events first. */
  readonly sources: Map<string, UpstreamSource[]>;
}

export async function streamReferences(context: StreamReferencesDeps, repository: Repository): Promise<StreamReferences> {
  const references: StreamReferences = { manifests: new Map(), blobs: new Set(), sources: new Map() };
  const stream = await context.streams.find(repository.namespace, repository.name);
  if (!stream) return references;
  const seen = new Set<string>();
  const streamInsecure = stream.metadata.annotations?.['openshift.io/image.insecureRepository'] === 'true';
  let source: UpstreamSource | undefined;
  const addSource = (digest: string) => {
    if (!source) return;
    const list = references.sources.get(digest) ?? [];
    if (!list.some((s) => s.repository === source!.repository)) list.push(source);
    references.sources.set(digest, list);
  };
  const visit = async (digest: string, depth: number) => {
    addSource(digest);
    if (seen.has(digest) || depth > 1) return;
    seen.add(digest);
    const image = await context.streams.findImage(digest);
    if (!image) return;
    const mediaType = String(image.dockerImageManifestMediaType ?? 'application/vnd.docker.distribution.manifest.v2+json');
    if (!references.manifests.has(digest)) references.manifests.set(digest, { mediaType });
    for (const layer of (image.dockerImageLayers ?? []) as { name: string }[]) {
      references.blobs.add(layer.name);
      addSource(layer.name);
    }
    const configDigest = (image.dockerImageMetadata as { Id?: string } | undefined)?.Id;
    if (configDigest?.startsWith('sha')) {
      references.blobs.add(configDigest);
      addSource(configDigest);
    }
    for (const child of (image.dockerImageManifests ?? []) as { digest: string; mediaType: string; manifestSize: number }[]) {
      references.manifests.set(child.digest, { mediaType: child.mediaType, size: child.manifestSize });
      await visit(child.digest, depth + 1);
    }
  };
  // Newest events first, so the primary source of each digest comes first.
  const events = (stream.status?.tags ?? [])
    .flatMap((tag) => (tag.items ?? []).map((item, index) => ({ tag: tag.tag, item, index })))
    .sort((a, b) => a.index - b.index);
  for (const { tag, item } of events) {
    if (!item.image) continue;
    const repository = item.dockerImageReference.split('@')[0];
    const own = repository.startsWith(`${context.publicHost()}/`);
    const insecure = streamInsecure || Boolean(stream.spec.tags?.find((t) => t.name === tag)?.importPolicy?.insecure);
    source = own ? undefined : { repository, insecure };
    seen.delete(item.image);
    await visit(item.image, 0);
  }
  return references;
}
