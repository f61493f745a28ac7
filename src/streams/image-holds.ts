// Keeps an Image from being deleted between the moment a push stores it and the moment a tag
// points at it, and says why an Image may not be deleted at all. The two sides share no
// transaction across keys, so each writes first and then checks what the other wrote:
//
//   deleting X reads X (resourceVersion R), refuses while a fresh hold on X exists, a stream's tag
//   history names X or another Image lists X as a child, and then deletes X only if it is still at R;
//   pushing X holds X (and an index's children), then re-writes each of them that exists, which
//   moves its resourceVersion, then creates X if it is missing, tags it, and releases the holds.
//
// A deletion that read X before the re-write fails its compare-and-swap (or deleted X first, and the
// push finds X missing and makes it again); one that read X after it finds the hold or, once the
// hold is released, the tag. So a prune working from lists read a moment earlier, whatever its
// --keep-younger-than, never takes an Image a push has tagged. The store is linearizable (memory
// and sqlite within one process, etcd's default reads across replicas), so this holds across replicas.
import { randomUUID } from 'node:crypto';
import type { ResourceStore } from '../store/resource-store.ts';
import type { Clock } from '../lib/clock.ts';
import { isAppError, unlessNotFound } from '../errors.ts';
import { objectKey } from '../kube/object.ts';

const holdPrefix = 'imagestream.io/imageholds//';
/** A hold this old was left by a push that died; a live one lasts as long as one manifest PUT. */
const staleAfterMs = 10 * 60 * 1000;

export interface ImageHoldDeps {
  readonly store: Pick<ResourceStore, 'create' | 'get' | 'update' | 'delete' | 'list'>;
  readonly clock: Clock;
}

export interface ImageHold {
  /** The held digests whose Image exists and can no longer be deleted by anyone who read it before. */
  readonly present: ReadonlySet<string>;
  /** Lets deletions go ahead again; safe to call more than once. */
  release(): Promise<void>;
}

/** Holds the Images of `digests` against deletion until `release` (see the top of this file). */
export async function holdImages(deps: ImageHoldDeps, digests: readonly string[]): Promise<ImageHold> {
  const keys: string[] = [];
  const release = async () => {
    for (const key of keys.splice(0)) {
      await deps.store.delete(key).catch((error: unknown) => {
        if (!isAppError(error, 'NotFound')) throw error;
      });
    }
  };
  const present = new Set<string>();
  try {
    for (const digest of new Set(digests)) {
      const key = `${holdPrefix}${digest}/${randomUUID()}`;
      await deps.store.create(key, { digest, startedAt: deps.clock.now().toISOString() });
      keys.push(key);
    }
    for (const digest of new Set(digests)) if (await moveResourceVersion(deps, digest)) present.add(digest);
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
  return { present, release };
}

/**
 * Why the Image `digest` must stay, or undefined when nothing keeps it: a push holds it, a stream's
 * tag history names it, or a manifest list that exists lists it. The caller deletes only if the
 * Image is still at the resourceVersion it read before asking.
 */
export async function whyImageIsKept(deps: ImageHoldDeps, digest: string): Promise<string | undefined> {
  // Holds first: a push releases its hold only after its tag and its list are written, so a
  // deletion that finds no hold here finds them below.
  const holds = await deps.store.list(`${holdPrefix}${digest}/`);
  if (holds.items.some((hold) => !isStale(hold.value, deps.clock))) return 'a push or import is recording it right now; try again in a moment';
  const streams = await deps.store.list('image.openshift.io/imagestreams/', { limit: 1, filter: (value) => taggedAs(value, digest) !== undefined });
  const stream = streams.items[0]?.value;
  if (stream) {
    const { namespace, name } = (stream as { metadata: { namespace: string; name: string } }).metadata;
    const tag = taggedAs(stream, digest)!;
    return `the image stream ${namespace}/${name} has it in the history of tag ${tag}; remove the tag (ims tag -d ${namespace}/${name}:${tag}) or let 'ims adm prune images' trim the history first`;
  }
  const parents = await deps.store.list('image.openshift.io/images/', { limit: 1, filter: (value) => listsChild(value, digest) });
  const parent = (parents.items[0]?.value as { metadata?: { name?: string } } | undefined)?.metadata?.name;
  if (parent) return `the manifest list ${parent} references it; delete that first`;
  return undefined;
}

/**
 * Re-writes the Image of `digest` unchanged, so that a deletion that read it earlier fails; false
 * when there is none. A conflict serves as well: someone else moved its resourceVersion after the hold.
 */
async function moveResourceVersion(deps: ImageHoldDeps, digest: string): Promise<boolean> {
  const key = objectKey('image.openshift.io', 'images', '', digest);
  const current = await unlessNotFound(deps.store.get(key));
  if (!current) return false;
  try {
    await deps.store.update(key, current.value, current.resourceVersion);
    return true;
  } catch (error) {
    if (isAppError(error, 'Conflict')) return true;
    if (isAppError(error, 'NotFound')) return false;
    throw error;
  }
}

/** The first tag of a stored stream whose history names `digest`. */
function taggedAs(value: unknown, digest: string): string | undefined {
  const tags = (value as { status?: { tags?: { tag: string; items?: { image?: string }[] }[] } }).status?.tags;
  return tags?.find((t) => t.items?.some((item) => item.image === digest))?.tag;
}

function listsChild(value: unknown, digest: string): boolean {
  return Boolean((value as { dockerImageManifests?: { digest: string }[] }).dockerImageManifests?.some((m) => m.digest === digest));
}

function isStale(value: unknown, clock: Clock): boolean {
  const startedAt = Date.parse((value as { startedAt?: string }).startedAt ?? '');
  return !(startedAt > clock.now().getTime() - staleAfterMs);
}
