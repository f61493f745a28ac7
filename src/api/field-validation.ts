// `fieldValidation`, as Kubernetes applies it to built-in kinds: a field the kind does not know is
// never stored. Strict refuses the body, Warn (the default) drops the field and says so in a
// Warning header, Ignore drops it silently. Checked at the top level and in metadata, the parts
// whose fields every kind here declares, and below them where a kind declares a schema.
import type { KubeObject } from '../kube/object.ts';
import type { ResourceDefinition } from './resource-definition.ts';
import type { FieldSchema } from './field-schema.ts';
import { fieldSchemaOf, isListSchema } from './field-schema.ts';
import { AppError } from '../errors.ts';
import { isPlainObject } from '../kube/object.ts';

const objectMetaFields = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidationOf(value: string | null): FieldValidation {
  const level = value ?? 'Warn';
  if (level === 'Strict' || level === 'Warn' || level === 'Ignore') return level;
  throw new AppError('BadRequest', `fieldValidation must be one of Strict, Warn or Ignore, not "${level.slice(0, 50)}"`);
}

/**
 * Removes from `body` the fields its kind does not know and applies `level` to them. `previous`
 * (the stored object a patch started from) holds fields the client did not send this time: they are
 * dropped too, but neither refused nor reported.
 */
export function dropUnknownFields(
  definition: Pick<ResourceDefinition, 'fields' | 'schema' | 'kind' | 'version'>,
  body: KubeObject,
  level: FieldValidation,
  warnings: string[],
  previous?: KubeObject,
): void {
  const unknown = unknownFields(definition, body);
  if (unknown.length === 0) return;
  const inherited = previous ? new Set(unknownFields(definition, previous).map((f) => f.path)) : new Set<string>();
  const sent = unknown.map((f) => f.path).filter((path) => !inherited.has(path));
  if (level === 'Strict' && sent.length > 0) {
    // Kubernetes' own wording, which kubectl users search for.
    throw new AppError(
      'BadRequest',
      `${definition.kind} in version "${definition.version}" cannot be handled as a ${definition.kind}: strict decoding error: ${describe(sent)}`,
    );
  }
  if (level === 'Warn') warnings.push(...sent.slice(0, maxReported).map((field) => `unknown field "${field}"`));
  for (const field of unknown) field.drop();
}

/** Only so many are named, so a body of a hundred thousand unknown fields gets a short answer. */
const maxReported = 20;

function describe(fields: readonly string[]): string {
  const named = fields
    .slice(0, maxReported)
    .map((f) => `unknown field "${f.slice(0, 100)}"`)
    .join(', ');
  return fields.length > maxReported ? `${named}, and ${fields.length - maxReported} more` : named;
}

/** The fields of `value` its schema does not know, with a way to drop each. */
function collectUnknown(value: unknown, schema: FieldSchema, path: string, found: { path: string; drop: () => void }[], depth: number): void {
  if (schema === true || typeof schema === 'string' || depth > 20 || found.length > 10_000) return;
  if (isListSchema(schema)) {
    if (Array.isArray(value)) value.forEach((element, i) => collectUnknown(element, schema[0], `${path}[${i}]`, found, depth + 1));
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    const below = fieldSchemaOf(schema, key);
    if (below === undefined) found.push({ path: `${path}.${key}`, drop: () => delete value[key] });
    else collectUnknown(value[key], below, `${path}.${key}`, found, depth + 1);
  }
}

/** Every field of `object` its kind does not know: top level, metadata, and where the kind has a schema. */
function unknownFields(definition: Pick<ResourceDefinition, 'fields' | 'schema'>, object: KubeObject): { path: string; drop: () => void }[] {
  const known = new Set(['apiVersion', 'kind', 'metadata', ...definition.fields]);
  const found = Object.keys(object)
    .filter((key) => !known.has(key))
    .map((key) => ({ path: key, drop: () => delete object[key] }));
  const metadata = object.metadata;
  if (isPlainObject(metadata))
    for (const key of Object.keys(metadata))
      if (!objectMetaFields.has(key)) found.push({ path: `metadata.${key}`, drop: () => delete (metadata as Record<string, unknown>)[key] });
  for (const [field, schema] of Object.entries(definition.schema ?? {})) collectUnknown(object[field], schema, field, found, 0);
  return found;
}
