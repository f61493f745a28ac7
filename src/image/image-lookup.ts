// Image lookup (SPEC §6) and pull-policy defaulting (SPEC §10) for pod specs: short names like
// `mysql:5.7` resolve to the image of a stream tag in the same namespace when the stream allows
// it (lookupPolicy.local) or the object asks for it (resolve-names annotation).
import { containersOf, podTemplateMetaOf } from './pod-spec.ts';

export const resolveNamesAnnotation = 'alpha.image.policy.openshift.io/resolve-names';

export interface StreamView {
  readonly localLookup: boolean;
  /** The tag's current pull spec by reference policy (a digest pull spec), if it has an image. */
  readonly pullSpec?: string;
  /** `status.dockerImageRepository`, for tags that exist only in spec. */
  readonly repository?: string;
}

export type StreamLookup = (namespace: string, stream: string, tag: string) => Promise<StreamView | undefined>;

/** `Always` for `latest` or untagged images, `IfNotPresent` otherwise, where no policy is set. */
export function defaultPullPolicies(object: Record<string, unknown>, kind: string): void {
  for (const { container } of containersOf(object, kind)) {
    if (container.imagePullPolicy || typeof container.image !== 'string') continue;
    container.imagePullPolicy = effectiveTag(container.image) === 'latest' ? 'Always' : 'IfNotPresent';
  }
}

function effectiveTag(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : 'latest';
}

export function wantsAllNamesResolved(object: Record<string, unknown>, kind: string): boolean {
  const own = (object.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.[resolveNamesAnnotation];
  const template = (podTemplateMetaOf(object, kind)?.annotations as Record<string, string> | undefined)?.[resolveNamesAnnotation];
  return (template ?? own) === '*';
}

/**
 * Rewrites container images that name a stream tag to that tag's image. `only` limits it to
 * images that changed in an update. Returns whether anything changed.
 */
export async function resolveImageNames(
  object: Record<string, unknown>,
  kind: string,
  namespace: string,
  lookup: StreamLookup,
  only?: (list: string, index: number, image: string) => boolean,
): Promise<boolean> {
  const all = wantsAllNamesResolved(object, kind);
  let changed = false;
  for (const { list, index, container } of containersOf(object, kind)) {
    const image = container.image;
    if (typeof image !== 'string' || image.includes('@')) continue;
    if (only && !only(list, index, image)) continue;
    const parsed = parseName(image);
    if (!parsed || (!all && parsed.segments > 1)) continue;
    const view = await lookup(namespace, parsed.name, parsed.tag);
    if (!view || !(view.localLookup || all)) continue;
    const resolved = view.pullSpec ?? (view.repository ? `${view.repository}:${parsed.tag}` : undefined);
    if (resolved && resolved !== image) {
      container.image = resolved;
      changed = true;
    }
  }
  return changed;
}

function parseName(image: string): { name: string; tag: string; segments: number } | undefined {
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  const repository = colon > lastSlash ? image.slice(0, colon) : image;
  const tag = colon > lastSlash ? image.slice(colon + 1) : 'latest';
  const segments = repository.split('/');
  const name = segments.at(-1)!;
  if (!/^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*$/.test(name)) return undefined;
  return { name, tag, segments: segments.length };
}
