// The three patch formats kubectl sends: JSON merge patch (RFC 7386), JSON patch (RFC 6902), and
// enough of strategic merge patch for `kubectl apply` on the built-in kinds (lists merged by key).
import { AppError } from '../errors.ts';
import { isPlainObject } from '../kube/object.ts';

export type PatchType = 'merge' | 'json' | 'strategic';

export function patchTypeOf(contentType: string | null): PatchType {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/merge-patch+json') return 'merge';
  if (type === 'application/json-patch+json') return 'json';
  if (type === 'application/strategic-merge-patch+json') return 'strategic';
  throw new AppError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
}

export function applyPatch(target: unknown, patch: unknown, type: PatchType): unknown {
  if (type === 'merge') return mergePatch(target, patch);
  if (type === 'strategic') return strategicMergePatch(target, patch);
  return jsonPatch(target, patch);
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
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

function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _directive, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  const retainKeys = Array.isArray(patch.$retainKeys) ? (patch.$retainKeys as string[]) : undefined;
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$retainKeys' || key === '$patch' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const listName = key.slice('$deleteFromPrimitiveList/'.length);
      const current = Array.isArray(result[listName]) ? (result[listName] as unknown[]) : [];
      result[listName] = current.filter((item) => !(value as unknown[]).includes(item));
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    if (Array.isArray(value) && mergeKeys[key] && Array.isArray(result[key])) {
      result[key] = mergeList(result[key] as unknown[], value, mergeKeys[key]);
      continue;
    }
    const merged = strategicMergePatch(result[key], value);
    if (merged === undefined) delete result[key];
    else result[key] = merged;
  }
  if (retainKeys) for (const key of Object.keys(result)) if (!retainKeys.includes(key)) delete result[key];
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith('$setElementOrder/') || !Array.isArray(order)) continue;
    const listName = key.slice('$setElementOrder/'.length);
    result[listName] = orderList(result[listName], order, mergeKeys[listName]);
  }
  return result;
}

function mergeList(current: unknown[], patch: unknown[], mergeKey: string): unknown[] {
  const result = current.map((item) => structuredClone(item));
  for (const entry of patch) {
    if (!isPlainObject(entry) || !(mergeKey in entry)) {
      result.push(structuredClone(entry));
      continue;
    }
    const index = result.findIndex((item) => isPlainObject(item) && item[mergeKey] === entry[mergeKey]);
    if (entry.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    if (index >= 0) result[index] = strategicMergePatch(result[index], entry);
    else result.push(strategicMergePatch(undefined, entry));
  }
  return result;
}

function orderList(list: unknown, order: unknown[], mergeKey: string | undefined): unknown {
  if (!Array.isArray(list)) return list;
  const keyOf = (item: unknown) => (mergeKey && isPlainObject(item) ? item[mergeKey] : item);
  const wanted = order.map((o) => (mergeKey && isPlainObject(o) ? o[mergeKey] : o));
  const ordered = wanted.flatMap((key) => list.filter((item) => keyOf(item) === key));
  const rest = list.filter((item) => !wanted.includes(keyOf(item)));
  return [...ordered, ...rest];
}

export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw new AppError('BadRequest', 'a JSON patch must be a list of operations');
  let document = structuredClone(target);
  for (const operation of operations) {
    if (!isPlainObject(operation) || typeof operation.op !== 'string' || typeof operation.path !== 'string') {
      throw new AppError('BadRequest', 'each JSON patch operation needs "op" and "path"');
    }
    const path = parsePointer(operation.path);
    switch (operation.op) {
      case 'add':
        document = setAt(document, path, structuredClone(operation.value), 'add');
        break;
      case 'replace':
        getAt(document, path);
        document = setAt(document, path, structuredClone(operation.value), 'replace');
        break;
      case 'remove':
        getAt(document, path);
        document = removeAt(document, path);
        break;
      case 'test':
        if (JSON.stringify(getAt(document, path)) !== JSON.stringify(operation.value)) throw new AppError('Invalid', `testing value at ${operation.path} failed`);
        break;
      case 'move':
      case 'copy': {
        if (typeof operation.from !== 'string') throw new AppError('BadRequest', `"${operation.op}" needs "from"`);
        const from = parsePointer(operation.from);
        const value = structuredClone(getAt(document, from));
        if (operation.op === 'move') document = removeAt(document, from);
        document = setAt(document, path, value, 'add');
        break;
      }
      default:
        throw new AppError('BadRequest', `unknown JSON patch operation "${operation.op}"`);
    }
  }
  return document;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new AppError('BadRequest', `invalid JSON pointer "${pointer}"`);
  return pointer.slice(1).split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(document: unknown, path: string[]): unknown {
  let node = document;
  for (const part of path) {
    if (Array.isArray(node) && /^\d+$/.test(part) && Number(part) < node.length) node = node[Number(part)];
    else if (isPlainObject(node) && Object.hasOwn(node, part)) node = node[part];
    else throw new AppError('Invalid', `the path "/${path.join('/')}" does not exist`);
  }
  return node;
}

function setAt(document: unknown, path: string[], value: unknown, mode: 'add' | 'replace'): unknown {
  if (path.length === 0) return value;
  const parent = getAt(document, path.slice(0, -1));
  const last = path.at(-1)!;
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index > parent.length) throw new AppError('Invalid', `array index "${last}" is out of range`);
    if (mode === 'add') parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (isPlainObject(parent)) parent[last] = value;
  else throw new AppError('Invalid', `cannot set "${last}" inside a scalar`);
  return document;
}

function removeAt(document: unknown, path: string[]): unknown {
  const parent = getAt(document, path.slice(0, -1));
  const last = path.at(-1)!;
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (isPlainObject(parent)) delete parent[last];
  return document;
}
