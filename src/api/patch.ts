// The three patch formats kubectl sends: JSON merge patch (RFC 7386), JSON patch (RFC 6902, in
// json-patch.ts), and enough of strategic merge patch for `kubectl apply` on the built-in kinds
// (lists merged by key). Whatever the format, the object a patch produces is held to the body
// limits, and no step costs more than linear time in the object and the patch.
import { AppError } from '../errors.ts';
import { isPlainObject } from '../kube/object.ts';
import { checkBodyShape } from './body-limits.ts';
import { jsonPatch, type JsonPatchLimits } from './json-patch.ts';
import { setOwnField } from './own-fields.ts';

export type PatchType = 'merge' | 'json' | 'strategic';

export function patchTypeOf(contentType: string | null): PatchType {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/merge-patch+json') return 'merge';
  if (type === 'application/json-patch+json') return 'json';
  if (type === 'application/strategic-merge-patch+json') return 'strategic';
  throw new AppError(
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
  );
}

/** The patched object; TooLarge or Invalid when it would pass the body limits. */
export function applyPatch(target: unknown, patch: unknown, type: PatchType, limits: JsonPatchLimits): unknown {
  const patched = type === 'merge' ? mergePatch(target, patch) : type === 'strategic' ? strategicMergePatch(target, patch) : jsonPatch(target, patch, limits);
  checkBodyShape(patched, limits, 'the patched object');
  return patched;
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setOwnField(result, key, mergePatch(result[key], value));
  }
  return result;
}

/** List fields merged by a key, as Kubernetes' built-in types declare with patchMergeKey. */
const mergeKeys: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  secrets: 'name',
  tags: 'name',
  conditions: 'type',
  hostAliases: 'ip',
  tolerations: 'key',
  topologySpreadConstraints: 'topologyKey',
  envFrom: 'prefix',
};

/** The merge key of a list field; an own lookup, so "toString" or "__proto__" name no list. */
function mergeKeyOf(field: string): string | undefined {
  return Object.hasOwn(mergeKeys, field) ? mergeKeys[field] : undefined;
}

function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _directive, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  const retainKeys = Array.isArray(patch.$retainKeys) ? new Set(patch.$retainKeys) : undefined;
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$retainKeys' || key === '$patch' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      if (!Array.isArray(value)) throw new AppError('BadRequest', `${key.slice(0, 100)} must be a list`);
      const listName = key.slice('$deleteFromPrimitiveList/'.length);
      const current = Array.isArray(result[listName]) ? (result[listName] as unknown[]) : [];
      const removed = new Set(value);
      setOwnField(
        result,
        listName,
        current.filter((item) => !removed.has(item)),
      );
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const mergeKey = mergeKeyOf(key);
    if (Array.isArray(value) && mergeKey && Array.isArray(result[key])) {
      setOwnField(result, key, mergeList(result[key] as unknown[], value, mergeKey));
      continue;
    }
    const merged = strategicMergePatch(result[key], value);
    if (merged === undefined) delete result[key];
    else setOwnField(result, key, merged);
  }
  if (retainKeys) for (const key of Object.keys(result)) if (!retainKeys.has(key)) delete result[key];
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith('$setElementOrder/') || !Array.isArray(order)) continue;
    const listName = key.slice('$setElementOrder/'.length);
    setOwnField(result, listName, orderList(result[listName], order, mergeKeyOf(listName)));
  }
  return result;
}

function mergeList(current: unknown[], patch: unknown[], mergeKey: string): unknown[] {
  // Positions by merge key, so a long patch against a long list costs their sum, not their product.
  const result: unknown[] = current.map((item) => structuredClone(item));
  const positions = new Map<unknown, number>();
  const remember = (item: unknown, index: number) => {
    if (isPlainObject(item) && mergeKey in item && !positions.has(item[mergeKey])) positions.set(item[mergeKey], index);
  };
  result.forEach(remember);
  const deleted = new Set<number>();
  for (const entry of patch) {
    if (!isPlainObject(entry) || !(mergeKey in entry)) {
      result.push(structuredClone(entry));
      continue;
    }
    const index = positions.get(entry[mergeKey]);
    if (entry.$patch === 'delete') {
      if (index !== undefined) {
        deleted.add(index);
        positions.delete(entry[mergeKey]);
      }
      continue;
    }
    if (index !== undefined) result[index] = strategicMergePatch(result[index], entry);
    else {
      result.push(strategicMergePatch(undefined, entry));
      remember(result.at(-1), result.length - 1);
    }
  }
  return deleted.size === 0 ? result : result.filter((_item, index) => !deleted.has(index));
}

function orderList(list: unknown, order: unknown[], mergeKey: string | undefined): unknown {
  if (!Array.isArray(list)) return list;
  const keyOf = (item: unknown) => (mergeKey && isPlainObject(item) ? item[mergeKey] : item);
  // Each key once: an order naming one item a million times must not make a million copies of it.
  const wanted = [...new Set(order.map(keyOf))];
  const byKey = new Map<unknown, unknown[]>(wanted.map((key) => [key, []]));
  const rest: unknown[] = [];
  for (const item of list) (byKey.get(keyOf(item)) ?? rest).push(item);
  return [...wanted.flatMap((key) => byKey.get(key)!), ...rest];
}
