// The JSON types every Kubernetes object shares: metadata is an ObjectMeta, spec and status (where a
// kind has them) are objects. A body with other types is one Kubernetes cannot even decode (400),
// and the engine and the kinds' own rules must never meet it.
import { AppError } from '../errors.ts';
import { isPlainObject } from '../kube/object.ts';

const metadataTypes: Record<string, 'string' | 'integer' | 'map' | 'strings' | 'objects'> = {
  name: 'string',
  generateName: 'string',
  namespace: 'string',
  selfLink: 'string',
  uid: 'string',
  resourceVersion: 'string',
  creationTimestamp: 'string',
  deletionTimestamp: 'string',
  generation: 'integer',
  deletionGracePeriodSeconds: 'integer',
  labels: 'map',
  annotations: 'map',
  finalizers: 'strings',
  ownerReferences: 'objects',
  managedFields: 'objects',
};

/**
 * BadRequest when metadata or one of its fields, spec or status has the wrong JSON type. Null
 * means absent, as in Kubernetes' decoding.
 */
export function checkObjectTypes(object: Record<string, unknown>): void {
  for (const part of ['spec', 'status']) {
    const value = object[part];
    if (value !== undefined && value !== null && !isPlainObject(value)) throw new AppError('BadRequest', `${part} must be an object, not ${jsonTypeOf(value)}`);
  }
  const meta = object.metadata;
  if (meta === undefined || meta === null) return;
  if (!isPlainObject(meta)) throw new AppError('BadRequest', `metadata must be an object, not ${jsonTypeOf(meta)}`);
  for (const [field, value] of Object.entries(meta)) {
    const expected = Object.hasOwn(metadataTypes, field) ? metadataTypes[field] : undefined;
    if (!expected || value === null || value === undefined || hasType(value, expected)) continue;
    throw new AppError('BadRequest', `metadata.${field} must be ${describeType[expected]}, not ${jsonTypeOf(value)}`);
  }
}

const describeType = { string: 'a string', integer: 'an integer', map: 'an object', strings: 'a list of strings', objects: 'a list of objects' } as const;

function hasType(value: unknown, type: keyof typeof describeType): boolean {
  if (type === 'string') return typeof value === 'string';
  if (type === 'integer') return Number.isSafeInteger(value);
  if (type === 'map') return isPlainObject(value);
  return Array.isArray(value) && value.every((item) => (type === 'strings' ? typeof item === 'string' : isPlainObject(item)));
}

function jsonTypeOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
