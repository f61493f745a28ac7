// What `adm prune images` removes (SPEC §9), worked out without I/O: old revisions of tags that no
// workload uses, then Images nothing references any more (a kept manifest list keeps its
// children; a pruned list takes its unreferenced children along), then blobs only they used, and
// stored blobs no Image references at all.
import type { ImageStream, NamedTagEventList } from './image-stream.ts';

export interface PruneImage {
  readonly name: string;
  readonly created?: string;
  readonly managed: boolean;
  readonly size: number;
  readonly layers: readonly string[];
  readonly config?: string;
  readonly children: readonly string[];
}

export interface PruneOptions {
  readonly keepTagRevisions: number;
  readonly keepYoungerThanMs: number;
  /** false: delete only images pushed to the integrated registry. */
  readonly all: boolean;
  readonly now: number;
}

export interface PruneUses {
  /** `ns/stream:tag` used by a workload. */
  readonly tags: ReadonlySet<string>;
  /** `ns/stream@digest` used by a workload. */
  readonly images: ReadonlySet<string>;
}

export interface PrunedRevision {
  readonly tag: string;
  readonly image: string;
}

export interface PrunePlan {
  /** `read`: the stream's tags as the plan saw them, so that the prune leaves alone a tag that moved since. */
  readonly streams: { namespace: string; name: string; tags: NamedTagEventList[]; removed: PrunedRevision[]; read: readonly NamedTagEventList[] }[];
  readonly images: PruneImage[];
  readonly blobs: string[];
}

export function planPrune(streams: readonly ImageStream[], images: ReadonlyMap<string, PruneImage>, uses: PruneUses, options: PruneOptions): PrunePlan {
  const young = (timestamp: string | undefined) => timestamp !== undefined && options.now - Date.parse(timestamp) < options.keepYoungerThanMs;
  const plannedStreams: PrunePlan['streams'] = [];
  const kept = new Set<string>();
  for (const stream of streams) {
    const namespace = stream.metadata.namespace ?? '';
    const name = stream.metadata.name;
    const tags = stream.status?.tags ?? [];
    if (young(stream.metadata.creationTimestamp as string | undefined)) {
      for (const tag of tags) for (const item of tag.items ?? []) if (item.image) kept.add(item.image);
      continue;
    }
    const removed: PrunedRevision[] = [];
    const next: NamedTagEventList[] = [];
    for (const tag of tags) {
      const items = (tag.items ?? []).filter((item, rev) => {
        if (item.image && !images.has(item.image)) return false;
        const keep =
          young(item.created) ||
          (rev === 0 && uses.tags.has(`${namespace}/${name}:${tag.tag}`)) ||
          rev < options.keepTagRevisions ||
          (item.image !== '' && uses.images.has(`${namespace}/${name}@${item.image}`));
        if (!keep) removed.push({ tag: tag.tag, image: item.image });
        return keep;
      });
      for (const item of items) if (item.image) kept.add(item.image);
      if (items.length > 0 || (tag.conditions?.length ?? 0) > 0) next.push({ ...tag, items });
    }
    if (removed.length > 0 || next.length !== tags.length) plannedStreams.push({ namespace, name, tags: next, removed, read: tags });
  }
  // Images used by workloads by digest stay too, wherever they are tagged.
  for (const use of uses.images) kept.add(use.slice(use.indexOf('@') + 1));
  for (const digest of [...kept]) for (const child of images.get(digest)?.children ?? []) kept.add(child);
  const doomed = [...images.values()].filter((image) => !kept.has(image.name) && !young(image.created) && (options.all || image.managed));
  // A pruned list takes along the children nothing else keeps.
  const doomedNames = new Set(doomed.map((i) => i.name));
  const blobsInUse = new Set<string>();
  for (const image of images.values()) {
    if (doomedNames.has(image.name)) continue;
    for (const blob of [...image.layers, ...(image.config ? [image.config] : [])]) blobsInUse.add(blob);
  }
  const blobs = new Set<string>();
  for (const image of doomed) {
    for (const blob of [...image.layers, ...(image.config ? [image.config] : [])]) if (!blobsInUse.has(blob)) blobs.add(blob);
    blobs.add(image.name);
  }
  return { streams: plannedStreams, images: doomed, blobs: [...blobs] };
}

export interface StoredBlob {
  readonly digest: string;
  readonly size: number;
  /** When the registry wrote it (RFC 3339), where it knows. */
  readonly modifiedAt?: string;
}

/**
 * Stored blobs no Image references (left by killed pushes, by pull-through of Images since deleted,
 * by a prune that died between its Images and their blobs) and written at least keep-younger-than
 * ago: a younger one may belong to a push whose manifest has not come yet. `planned` are the
 * blobs the plan already deletes.
 */
export function planOrphanBlobs(
  stored: readonly StoredBlob[],
  images: ReadonlyMap<string, PruneImage>,
  planned: readonly string[],
  options: Pick<PruneOptions, 'keepYoungerThanMs' | 'now'>,
): StoredBlob[] {
  const referenced = new Set(planned);
  for (const image of images.values()) {
    for (const digest of [image.name, ...image.layers, ...(image.config ? [image.config] : []), ...image.children]) referenced.add(digest);
  }
  return stored.filter(
    (blob) => !referenced.has(blob.digest) && blob.modifiedAt !== undefined && options.now - Date.parse(blob.modifiedAt) >= options.keepYoungerThanMs,
  );
}

/**
 * The tags of `current` (a stream read again to be written) without the revisions `planned` removes.
 * A tag whose history changed since the plan read it is left as it is now: a push or import moved it,
 * maybe onto an image the plan removes from its older revisions, and the next prune sees it anew.
 */
export function withoutPrunedRevisions(current: readonly NamedTagEventList[], planned: PrunePlan['streams'][number]): NamedTagEventList[] {
  const removed = new Set(planned.removed.map((r) => `${r.tag}@${r.image}`));
  const history = (list: NamedTagEventList | undefined) =>
    JSON.stringify((list?.items ?? []).map((i) => [i.image, i.dockerImageReference, i.created, i.generation]));
  return current
    .map((t) => {
      if (history(t) !== history(planned.read.find((r) => r.tag === t.tag))) return t;
      return { ...t, items: (t.items ?? []).filter((i) => !removed.has(`${t.tag}@${i.image}`)) };
    })
    .filter((t) => (t.items?.length ?? 0) > 0 || (t.conditions?.length ?? 0) > 0);
}

/** Where a pull spec points, for the used-images index: `ns/stream:tag` or `ns/stream@digest`. */
export function useOf(image: string): { kind: 'tag' | 'image'; key: string } | undefined {
  const at = image.indexOf('@');
  const path = at >= 0 ? image.slice(0, at) : image;
  const parts = path.split('/');
  if (parts.length < 3) return undefined;
  const last = parts.at(-1)!;
  const colon = last.indexOf(':');
  const name = colon >= 0 ? last.slice(0, colon) : last;
  const namespace = parts.at(-2)!;
  if (at >= 0) return { kind: 'image', key: `${namespace}/${name}@${image.slice(at + 1)}` };
  return { kind: 'tag', key: `${namespace}/${name}:${colon >= 0 ? last.slice(colon + 1) : 'latest'}` };
}
