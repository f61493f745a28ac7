// The `image.openshift.io/triggers` annotation (SPEC §7): a JSON list of {from, fieldPath, paused}
// that keeps container images on the current image of an image stream tag.
import type { FieldCause } from '../errors.ts';
import { podSpecPaths, podSpecOf, type Container } from './pod-spec.ts';

export const triggersAnnotation = 'image.openshift.io/triggers';

export interface ImageTrigger {
  readonly from: { readonly kind: string; readonly name: string; readonly namespace?: string; readonly apiVersion?: string };
  readonly fieldPath: string;
  readonly paused?: boolean;
}

/** The triggers of an object; Invalid causes for anything malformed. */
export function readTriggers(
  annotations: Readonly<Record<string, string>> | undefined,
  kind: string,
  object: Record<string, unknown>,
): { triggers: ImageTrigger[]; causes: FieldCause[] } {
  const text = annotations?.[triggersAnnotation];
  if (text === undefined) return { triggers: [], causes: [] };
  const field = `metadata.annotations[${triggersAnnotation}]`;
  const fail = (message: string) => ({ triggers: [], causes: [{ reason: 'FieldValueInvalid' as const, field, message }] });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(`the triggers annotation must be a JSON list: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) return fail('the triggers annotation must be a JSON list');
  const triggers: ImageTrigger[] = [];
  const seen = new Set<string>();
  for (const [i, entry] of parsed.entries()) {
    const e = entry as Partial<ImageTrigger>;
    if (
      typeof e !== 'object' ||
      e === null ||
      typeof e.from !== 'object' ||
      typeof e.from?.name !== 'string' ||
      typeof e.from.kind !== 'string' ||
      typeof e.fieldPath !== 'string'
    ) {
      return fail(`trigger ${i} must have from.kind, from.name and fieldPath`);
    }
    if (seen.has(e.fieldPath)) return fail('duplicate triggers are not allowed');
    seen.add(e.fieldPath);
    if (e.from.kind === 'ImageStreamTag' && !/^[^:@/]+:[^:@/]+$/.test(e.from.name))
      return fail(`trigger ${i}: from.name must be <stream>:<tag>, not "${e.from.name}"`);
    // OpenShift's documented schema shows `"paused": "false"`: the strings mean what they say.
    const paused: unknown = (entry as { paused?: unknown }).paused;
    if (paused !== undefined && paused !== null && typeof paused !== 'boolean' && paused !== 'true' && paused !== 'false') {
      return fail(`trigger ${i}: paused must be true or false (a boolean, or the string "true" or "false"), not ${JSON.stringify(paused)}`);
    }
    const prefix = `${(podSpecPaths[kind] ?? []).join('.')}.`;
    if (e.fieldPath.startsWith(prefix)) {
      const target = resolveFieldPath(object, kind, e.fieldPath);
      if (target === 'invalid') return fail(`field path is not valid: ${e.fieldPath}`);
      if (target === 'missing') return fail(`no such container: ${e.fieldPath}`);
    }
    triggers.push({ ...(e as ImageTrigger), paused: paused === true || paused === 'true' });
  }
  return { triggers, causes: [] };
}

/** The container a fieldPath names: `<podspec>.containers[?(@.name=="x")].image` or `[N]`. */
export function resolveFieldPath(object: Record<string, unknown>, kind: string, fieldPath: string): Container | 'invalid' | 'missing' {
  const prefix = `${(podSpecPaths[kind] ?? []).join('.')}.`;
  const rest = fieldPath.slice(prefix.length);
  const match = /^(containers|initContainers)\[(?:(\d+)|\?\(@\.name=="([^"]+)"\))\]\.image$/.exec(rest);
  if (!match) return 'invalid';
  const list = podSpecOf(object, kind)?.[match[1]];
  const containers = Array.isArray(list) ? (list as Container[]) : [];
  const container = match[2] !== undefined ? containers[Number(match[2])] : containers.find((c) => c.name === match[3]);
  return container ?? 'missing';
}

/** `ns/stream` keys of the streams an object's triggers follow. */
export function triggeredStreams(triggers: readonly ImageTrigger[], namespace: string): string[] {
  return triggers
    .filter((t) => t.from.kind === 'ImageStreamTag' && !t.paused && !t.from.apiVersion)
    .map((t) => `${t.from.namespace || namespace}/${t.from.name.split(':')[0]}`);
}

/** Annotation where the trigger controller records, per fieldPath, the image it last set for a cluster's workload. */
export const appliedTriggersAnnotation = 'imagestream.io/triggered-images';

/** What the trigger controller last applied to an object, by fieldPath; empty when unreadable. */
export function readAppliedTriggers(annotations: Readonly<Record<string, string>> | undefined): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(annotations?.[appliedTriggersAnnotation] ?? '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return {};
  }
}

/**
 * Applies triggers only for tag images not applied before: a container someone set back by hand
 * stays as it is until its tag moves again (the next image differs from the recorded one). Returns
 * the new record and whether a container image changed; the object is changed in place.
 */
export function applyNewTriggerImages(
  object: Record<string, unknown>,
  kind: string,
  triggers: readonly ImageTrigger[],
  namespace: string,
  applied: Readonly<Record<string, string>>,
  resolve: (namespace: string, stream: string, tag: string) => string | undefined,
): { changed: boolean; applied: Record<string, string> } {
  const record = { ...applied };
  let changed = false;
  for (const trigger of triggers) {
    if (trigger.paused || trigger.from.kind !== 'ImageStreamTag' || trigger.from.apiVersion) continue;
    if (!trigger.fieldPath.startsWith(`${(podSpecPaths[kind] ?? []).join('.')}.`)) continue;
    const container = resolveFieldPath(object, kind, trigger.fieldPath);
    if (typeof container === 'string') continue;
    const [stream, tag] = trigger.from.name.split(':');
    const image = resolve(trigger.from.namespace || namespace, stream, tag);
    if (!image || record[trigger.fieldPath] === image) continue;
    record[trigger.fieldPath] = image;
    if (container.image !== image) {
      container.image = image;
      changed = true;
    }
  }
  return { changed, applied: record };
}
