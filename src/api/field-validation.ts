// `fieldValidation`, as Kubernetes applies it to built-in kinds: a field the kind does not know is
// never stored. Strict refuses the body, Warn (the default) drops the field and says so in a
// Warning header, Ignore drops it silently. Checked at the top level and in metadata, the parts
// whose fields every kind here declares.
import type { KubeObject } from '../kube/object.ts';
import type { ResourceDefinition } from './resource-definition.ts';
import { AppError } from '../errors.ts';
import { isPlainObject } from '../kube/object.ts';

const objectMetaFields = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
  'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
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
export function dropUnknownFields(definition: Pick<ResourceDefinition, 'fields'>, body: KubeObject, level: FieldValidation, warnings: string[], previous?: KubeObject): void {
  const known = new Set(['apiVersion', 'kind', 'metadata', ...definition.fields]);
  const unknown = unknownFields(body, known);
  if (unknown.length === 0) return;
  const inherited = previous ? new Set(unknownFields(previous, known)) : new Set<string>();
  const sent = unknown.filter((field) => !inherited.has(field));
  if (level === 'Strict' && sent.length > 0) throw new AppError('BadRequest', `strict decoding error: ${describe(sent)}`);
  if (level === 'Warn') warnings.push(...sent.slice(0, maxReported).map((field) => `unknown field "${field}"`));
  for (const field of unknown) {
    if (field.startsWith('metadata.')) delete (body.metadata as Record<string, unknown>)[field.slice('metadata.'.length)];
    else delete body[field];
  }
}

/** Only so many are named, so a body of a hundred thousand unknown fields gets a short answer. */
const maxReported = 20;

function describe(fields: readonly string[]): string {
  const named = fields.slice(0, maxReported).map((f) => `unknown field "${f.slice(0, 100)}"`).join(', ');
  return fields.length > maxReported ? `${named}, and ${fields.length - maxReported} more` : named;
}

function unknownFields(object: KubeObject, known: ReadonlySet<string>): string[] {
  const fields = Object.keys(object).filter((key) => !known.has(key));
  if (!isPlainObject(object.metadata)) return fields;
  return fields.concat(Object.keys(object.metadata).filter((key) => !objectMetaFields.has(key)).map((key) => `metadata.${key}`));
}
