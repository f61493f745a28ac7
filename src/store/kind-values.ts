// Typed reads of what the API engine keeps under a kind's keys. The engine validates every object
// as its kind before writing it, so this is the one place stored JSON is read as a kind's type.
// Values are as stored: without apiVersion, kind and resourceVersion, which the engine adds on serving.
import type { KubeObject } from '../kube/object.ts';
import type { Kind, SubresourceTypes } from '../kube/kinds.ts';
import type { ListOptions, ResourceStore, StoredValue } from './resource-store.ts';
import { objectKey, resourcePrefix } from '../kube/object.ts';

type AnyKind<T extends KubeObject> = Kind<T, SubresourceTypes>;

/** A value read from under `kind`'s keys (a get, a list or a watch), as that kind. */
export function kindValue<T extends KubeObject>(_kind: AnyKind<T>, value: StoredValue): T {
  return value as T;
}

/** The stored object `name` of `kind` (namespace ignored for cluster-scoped kinds); NotFound if absent. */
export async function getKindValue<T extends KubeObject>(store: Pick<ResourceStore, 'get'>, kind: AnyKind<T>, namespace: string, name: string): Promise<T> {
  const stored = await store.get(objectKey(kind.group, kind.resource, kind.namespaced ? namespace : '', name));
  return kindValue(kind, stored.value);
}

/** The stored objects of `kind` in `namespace`, or (undefined) in every namespace. */
export async function listKindValues<T extends KubeObject>(
  store: Pick<ResourceStore, 'list'>,
  kind: AnyKind<T>,
  namespace: string | undefined,
  options?: ListOptions,
): Promise<{ items: T[]; resourceVersion: string; continue?: string }> {
  const page = await store.list(resourcePrefix(kind.group, kind.resource, kind.namespaced ? namespace : ''), options);
  return {
    items: page.items.map((item) => kindValue(kind, item.value)),
    resourceVersion: page.resourceVersion,
    ...(page.continue ? { continue: page.continue } : {}),
  };
}
