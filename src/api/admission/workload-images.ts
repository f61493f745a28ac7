// Admission for workloads' images: pull-policy defaults, trigger validation, triggers applied on
// create and update, and image lookup (SPEC §6, §7, §10). Controller-owned objects are left to
// their owners, as OpenShift's image policy does.
import type { FieldCause } from '../../errors.ts';
import type { KubeObject } from '../../kube/object.ts';
import type { HookContext } from '../resource-definition.ts';
import type { MayFollow } from './cross-namespace-triggers.ts';
import type { ImageStream } from '../../image/image-stream.ts';
import { unlessNotFound } from '../../errors.ts';
import { kinds } from '../../kube/kinds.ts';
import { getKindValue } from '../../store/kind-values.ts';
import { applyNewTriggerImages, readTriggers } from '../../image/triggers.ts';
import { defaultPullPolicies, resolveImageNames, resolveNamesAnnotation, type StreamView } from '../../image/image-lookup.ts';
import { resolvePullSpec, latestTagEvent } from '../../image/image-stream.ts';
import { containersOf, podTemplateMetaOf } from '../../image/pod-spec.ts';

export function workloadDefaults(object: KubeObject, kind: string): void {
  defaultPullPolicies(object as Record<string, unknown>, kind);
}

export function triggerCauses(object: KubeObject, kind: string): FieldCause[] {
  return readTriggers(object.metadata?.annotations, kind, object as Record<string, unknown>).causes;
}

async function readStream(context: Pick<HookContext, 'store'>, namespace: string, name: string): Promise<ImageStream | undefined> {
  return unlessNotFound(getKindValue(context.store, kinds.imageStreams, namespace, name));
}

/** Current images of stream tags, read once per admission. */
export async function resolveTags(
  context: Pick<HookContext, 'store'>,
  wanted: readonly { namespace: string; stream: string; tag: string }[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const { namespace, stream, tag } of wanted) {
    const loaded = await readStream(context, namespace, stream);
    const spec = loaded ? resolvePullSpec(loaded, tag) : undefined;
    if (spec && latestTagEvent(loaded!, tag)) found.set(`${namespace}/${stream}:${tag}`, spec);
  }
  return found;
}

export async function admitWorkloadImages(
  object: KubeObject,
  old: KubeObject | undefined,
  kind: string,
  context: Pick<HookContext, 'store' | 'mayFollow' | 'warn'>,
): Promise<void> {
  const { notFollowed } = await applyCurrentTriggerImages(object, kind, context, context.mayFollow);
  for (const tag of notFollowed) context.warn(notFollowedWarning(tag, object.metadata?.namespace ?? ''));
  await resolveWorkloadImageNames(object, old, kind, context);
}

export function notFollowedWarning(tag: string, namespace: string): string {
  return `image trigger on ${tag} not followed: the service accounts of ${namespace} may not pull from ${tag.split('/')[0]}`;
}

export interface AppliedTriggers {
  /** The image set for each trigger that has one, by fieldPath. */
  readonly applied: Record<string, string>;
  /** `ns/stream:tag` of triggers whose tag has no image yet. */
  readonly noImage: string[];
  /** `ns/stream:tag` of triggers naming another namespace's stream that `mayFollow` refused. */
  readonly notFollowed: string[];
}

/** Sets each unpaused trigger's container to its tag's current image. */
export async function applyCurrentTriggerImages(
  object: KubeObject,
  kind: string,
  context: Pick<HookContext, 'store'>,
  mayFollow?: MayFollow,
): Promise<AppliedTriggers> {
  const namespace = object.metadata?.namespace ?? '';
  const { triggers } = readTriggers(object.metadata?.annotations, kind, object as Record<string, unknown>);
  const result: AppliedTriggers = { applied: {}, noImage: [], notFollowed: [] };
  if (triggers.length === 0) return result;
  const wanted = [];
  for (const trigger of triggers.filter((t) => t.from.kind === 'ImageStreamTag' && !t.paused)) {
    const [stream, tag] = trigger.from.name.split(':');
    const from = { namespace: trigger.from.namespace || namespace, stream, tag };
    if (from.namespace !== namespace && mayFollow && !(await mayFollow(namespace, from))) result.notFollowed.push(`${from.namespace}/${stream}:${tag}`);
    else wanted.push(from);
  }
  const images = await resolveTags(context, wanted);
  for (const { namespace: ns, stream, tag } of wanted) if (!images.has(`${ns}/${stream}:${tag}`)) result.noImage.push(`${ns}/${stream}:${tag}`);
  const { applied } = applyNewTriggerImages(object as Record<string, unknown>, kind, triggers, namespace, {}, (ns, stream, tag) =>
    images.get(`${ns}/${stream}:${tag}`),
  );
  return { ...result, applied };
}

/**
 * Image lookup (SPEC §6): short names of a stream allowing local lookup, or every name when the
 * object asks for it. Controller-owned objects are left to their owners, and on update only
 * changed images are looked at (all of them when the resolve-names annotation changed).
 */
export async function resolveWorkloadImageNames(
  object: KubeObject,
  old: KubeObject | undefined,
  kind: string,
  context: Pick<HookContext, 'store'>,
): Promise<void> {
  const namespace = object.metadata?.namespace ?? '';
  const node = object as Record<string, unknown>;
  if (object.metadata?.ownerReferences?.some((o) => o.controller)) return;
  if (old && kind === 'Job') return;
  const annotationChanged = old && resolveAnnotation(old, kind) !== resolveAnnotation(object, kind);
  const oldImages = new Map(old ? containersOf(old as Record<string, unknown>, kind).map((c) => [`${c.list}/${c.index}`, c.container.image]) : []);
  const lookup = async (ns: string, stream: string, tag: string): Promise<StreamView | undefined> => {
    const loaded = await readStream(context, ns, stream);
    if (!loaded) return undefined;
    const event = latestTagEvent(loaded, tag);
    return {
      localLookup: Boolean(loaded.spec.lookupPolicy?.local),
      pullSpec: event?.image ? resolvePullSpec(loaded, tag) : undefined,
      repository: loaded.status?.dockerImageRepository,
    };
  };
  await resolveImageNames(
    node,
    kind,
    namespace,
    lookup,
    old && !annotationChanged ? (list, index, image) => oldImages.get(`${list}/${index}`) !== image : undefined,
  );
}

function resolveAnnotation(object: KubeObject, kind: string): string | undefined {
  return (
    (podTemplateMetaOf(object as Record<string, unknown>, kind)?.annotations as Record<string, string> | undefined)?.[resolveNamesAnnotation] ??
    object.metadata?.annotations?.[resolveNamesAnnotation]
  );
}
