// The tag history rules of image streams (SPEC §2.6, §2.7): how a new tag event joins a tag's
// history, and how alias tags follow their source.
import type { ImageStream, TagEvent, TagReference } from '../kube/kinds/image.ts';

// The types are the kind's own (kube/kinds/image.ts); they are re-exported for the modules that
// apply these rules.
export type { ImageStream, NamedTagEventList, TagEvent, TagEventCondition, TagReference } from '../kube/kinds/image.ts';

/** Adds `event` to the history of `tag`; returns whether anything changed (SPEC §2.7). */
export function addTagEvent(stream: ImageStream, tag: string, event: TagEvent): boolean {
  const status = (stream.status ??= {});
  const tags = (status.tags ??= []);
  let list = tags.find((t) => t.tag === tag);
  if (!list) {
    list = { tag, items: [] };
    tags.push(list);
    tags.sort((a, b) => a.tag.localeCompare(b.tag));
  }
  const items = (list.items ??= []);
  const current = items[0];
  if (current) {
    const sameRef = current.dockerImageReference === event.dockerImageReference;
    const sameImage = current.image === event.image;
    if (sameRef && sameImage && current.generation === event.generation) {
      // An import that found what the tag holds still answers an earlier failure or deferral.
      if (!list.conditions) return false;
      delete list.conditions;
      return true;
    }
    if (sameRef && sameImage) current.generation = event.generation;
    else if (sameRef) current.image = event.image;
    else if (sameImage) current.dockerImageReference = event.dockerImageReference;
    else items.unshift(event);
  } else items.unshift(event);
  delete list.conditions;
  return true;
}

/** The spec tags that alias `tag` in the same stream (`--alias`), which follow its newest event. */
export function trackingTags(stream: ImageStream, tag: string): string[] {
  const name = stream.metadata.name;
  return (stream.spec.tags ?? [])
    .filter(
      (t) =>
        t.from?.kind === 'ImageStreamTag' &&
        (!t.from.namespace || t.from.namespace === stream.metadata.namespace) &&
        (t.from.name === tag || t.from.name === `${name}:${tag}`) &&
        t.name !== tag,
    )
    .map((t) => t.name);
}

/** Records `event` on `tag` and on every tag that tracks it; returns whether anything changed. */
export function recordTagEvent(stream: ImageStream, tag: string, event: TagEvent): boolean {
  let changed = addTagEvent(stream, tag, event);
  for (const follower of trackingTags(stream, tag)) changed = addTagEvent(stream, follower, event) || changed;
  return changed;
}

/** The last generation an import of `tag` answered for: its newest event's, or a failure's (SPEC §2.8). */
export function observedGeneration(stream: ImageStream, tag: string): number {
  const status = stream.status?.tags?.find((t) => t.tag === tag);
  return Math.max(status?.items?.[0]?.generation ?? 0, ...(status?.conditions ?? []).map((c) => c.generation ?? 0));
}

/** The newest image of a tag, if it has one. */
export function latestTagEvent(stream: ImageStream, tag: string): TagEvent | undefined {
  return stream.status?.tags?.find((t) => t.tag === tag)?.items?.[0];
}

/** The pull spec consumers should use for a tag's current image, by the tag's reference policy (SPEC §4.1). */
export function resolvePullSpec(stream: ImageStream, tag: string): string | undefined {
  const event = latestTagEvent(stream, tag);
  if (!event) return undefined;
  const policy = stream.spec.tags?.find((t) => t.name === tag)?.referencePolicy?.type;
  if (policy === 'Local' && event.image && stream.status?.dockerImageRepository) return `${stream.status.dockerImageRepository}@${event.image}`;
  return event.dockerImageReference;
}

/** Where a chain of same-stream ImageStreamTag references from a spec tag ends (oc's FollowTagReference). */
export type FollowedTag =
  /** `tag` is the last spec tag of the chain, `spec` its reference; `followed` if it is not the one asked for. */
  | { readonly outcome: 'found'; readonly tag: string; readonly spec: TagReference; readonly followed: boolean }
  /** The chain ends at `tag`, which is not a spec tag. */
  | { readonly outcome: 'missing'; readonly tag: string; readonly followed: boolean }
  | { readonly outcome: 'invalid' | 'other-stream' | 'circular' };

export function followTagReference(stream: ImageStream, start: string): FollowedTag {
  const seen = new Set<string>();
  let tag = start;
  for (;;) {
    const followed = tag !== start;
    if (seen.has(tag)) return { outcome: 'circular' };
    seen.add(tag);
    const spec = stream.spec.tags?.find((t) => t.name === tag);
    if (!spec) return { outcome: 'missing', tag, followed };
    if (spec.from?.kind !== 'ImageStreamTag') return { outcome: 'found', tag, spec, followed };
    if (spec.from.namespace && spec.from.namespace !== stream.metadata.namespace) return { outcome: 'other-stream' };
    const parts = spec.from.name.split(':');
    if (parts.length === 1) tag = parts[0];
    else if (parts.length !== 2 || !parts[0] || !parts[1]) return { outcome: 'invalid' };
    else if (parts[0] !== stream.metadata.name) return { outcome: 'other-stream' };
    else tag = parts[1];
  }
}
