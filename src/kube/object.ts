// The Kubernetes object model shared by the server and the CLI. Types and pure helpers only, no I/O.

export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
}

export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: T[];
}

/** Kubernetes timestamps: RFC 3339 in UTC with whole seconds. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The storage key of an object: `<group>/<resource>/<namespace>/<name>`, core group as `core`. */
export function objectKey(group: string, resource: string, namespace: string, name: string): string {
  return `${group || 'core'}/${resource}/${namespace}/${name}`;
}

/** The key prefix that lists a resource, in one namespace or (namespace undefined) everywhere. */
export function resourcePrefix(group: string, resource: string, namespace?: string): string {
  return namespace === undefined ? `${group || 'core'}/${resource}/` : `${group || 'core'}/${resource}/${namespace}/`;
}
