// Decodes a body's declared fields as Kubernetes' typed decoder does, before defaults and
// validation see them: a value of the wrong JSON type (a string where an int32 belongs, a number in
// a list of strings, Secret data that is not base64) refuses the whole body with 400 BadRequest
// naming the field, so nothing the server or its clients read later meets a type it did not expect.
// As in Go's decoding, null means absent: a declared field holding null is removed, and a null in a
// list becomes its element's zero value.
import type { FieldSchema, ObjectSchema, ScalarType } from './field-schema.ts';
import { AppError } from '../errors.ts';
import { isPlainObject } from '../kube/object.ts';
import { fieldSchemaOf, isListSchema, structNameOf } from './field-schema.ts';

export interface TypedKind {
  readonly kind: string;
  readonly version: string;
  /** The declared top-level fields (besides apiVersion, kind and metadata) and what is below them. */
  readonly schema?: ObjectSchema;
}

/** Throws BadRequest, as Kubernetes words it, for the first field of `body` whose value has the wrong type. */
export function checkFieldTypes(definition: TypedKind, body: Record<string, unknown>): void {
  if (!definition.schema) return;
  const problem = objectProblem(body, definition.schema, '', definition.kind);
  if (problem) throw new AppError('BadRequest', `${definition.kind} in version "${definition.version}" cannot be handled as a ${definition.kind}: ${problem}`);
}

/** Why `value` does not fit `schema` at `path`, or undefined; `struct` is the Go struct the field belongs to. */
function problemAt(value: unknown, schema: FieldSchema, path: string, struct: string): string | undefined {
  if (schema === true) return undefined;
  if (typeof schema === 'string') return scalarProblem(value, schema, path, struct);
  if (isListSchema(schema)) {
    if (!Array.isArray(value)) return mismatch(value, schema, path, struct);
    for (let i = 0; i < value.length; i++) {
      if (value[i] === null) value[i] = zeroOf(schema[0]);
      const problem = problemAt(value[i], schema[0], `${path}[${i}]`, struct);
      if (problem) return problem;
    }
    return undefined;
  }
  if (!isPlainObject(value)) return mismatch(value, schema, path, struct);
  return objectProblem(value, schema, path, structNameOf(schema) ?? struct);
}

function objectProblem(object: Record<string, unknown>, schema: ObjectSchema, path: string, struct: string): string | undefined {
  for (const key of Object.keys(object)) {
    const below = fieldSchemaOf(schema, key);
    if (below === undefined || below === true) continue;
    if (object[key] === null) {
      delete object[key];
      continue;
    }
    const named = Object.hasOwn(schema, key) && key !== '*';
    const problem = problemAt(object[key], below, named ? (path ? `${path}.${key}` : key) : `${path}[${key.slice(0, 100)}]`, struct);
    if (problem) return problem;
  }
  return undefined;
}

const int32Range = 2 ** 31;
const int64Range = 2 ** 63;
/** resource.Quantity's serialization, as its parser reports when a string does not match it. */
const quantityPattern = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

function scalarProblem(value: unknown, type: ScalarType, path: string, struct: string): string | undefined {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? undefined : mismatch(value, type, path, struct);
    case 'bool':
      return typeof value === 'boolean' ? undefined : mismatch(value, type, path, struct);
    case 'float64':
      return typeof value === 'number' ? undefined : mismatch(value, type, path, struct);
    case 'int32':
    case 'int64': {
      const range = type === 'int32' ? int32Range : int64Range;
      if (typeof value === 'number' && Number.isInteger(value) && value >= -range && value < range) return undefined;
      return mismatch(value, type, path, struct);
    }
    case 'int-or-string':
      return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < int32Range)
        ? undefined
        : mismatch(value, type, path, struct);
    case 'quantity':
      if (typeof value === 'number') return undefined;
      if (typeof value !== 'string') return mismatch(value, type, path, struct);
      return quantityPattern.test(value) ? undefined : `${struct}.${path}: quantities must match the regular expression '${quantityPattern.source}'`;
    case 'bytes': {
      if (typeof value !== 'string') return mismatch(value, type, path, struct);
      const offset = base64ErrorOffset(value);
      return offset === undefined ? undefined : `${struct}.${path}: illegal base64 data at input byte ${offset}`;
    }
  }
}

/** Go's words for a value of the wrong type: `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`. */
function mismatch(value: unknown, schema: FieldSchema, path: string, struct: string): string {
  return `json: cannot unmarshal ${jsonTypeOf(value)} into Go struct field ${struct}.${path} of type ${goTypeOf(schema)}`;
}

function jsonTypeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return `number ${String(value).slice(0, 30)}`;
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'object' ? 'object' : typeof value;
}

const goScalars: Record<ScalarType, string> = {
  string: 'string',
  bool: 'bool',
  int32: 'int32',
  int64: 'int64',
  float64: 'float64',
  bytes: '[]uint8',
  'int-or-string': 'intstr.IntOrString',
  quantity: 'resource.Quantity',
};

function goTypeOf(schema: FieldSchema): string {
  if (schema === true) return 'interface {}';
  if (typeof schema === 'string') return goScalars[schema];
  if (isListSchema(schema)) return `[]${goTypeOf(schema[0])}`;
  const name = structNameOf(schema);
  if (name) return `v1.${name}`;
  const named = Object.keys(schema).filter((key) => key !== '*');
  return named.length === 0 && Object.hasOwn(schema, '*') ? `map[string]${goTypeOf(schema['*'])}` : 'struct';
}

/** What Go's decoding leaves in a list element that was null. */
function zeroOf(schema: FieldSchema): unknown {
  if (schema === true) return null;
  if (isListSchema(schema)) return [];
  if (typeof schema === 'object') return {};
  const zeros: Record<ScalarType, unknown> = { string: '', bool: false, int32: 0, int64: 0, float64: 0, bytes: '', 'int-or-string': 0, quantity: '0' };
  return zeros[schema];
}

/**
 * Where standard base64 (with padding, as Go's encoding/json decodes []byte) goes wrong in `text`,
 * or undefined when it is valid. Line breaks are skipped, as Go's decoder skips them.
 */
function base64ErrorOffset(text: string): number | undefined {
  let significant = 0;
  let padding = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) continue;
    const isAlphabet = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
    if (c === 61) {
      padding += 1;
      if (padding > 2 || significant % 4 < 2) return i;
    } else if (!isAlphabet || padding > 0) return i;
    significant += 1;
  }
  return significant % 4 === 0 ? undefined : text.length;
}
