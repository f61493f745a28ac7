// The one small language in which a kind declares its fields below the top level: which fields it
// knows (fieldValidation drops or refuses the others) and which JSON type each holds (decoding
// refuses a string where Kubernetes' Go types hold an int32). Declarations only; field-validation.ts
// and field-types.ts read them.

/**
 * A scalar, named by the Go type Kubernetes' API types give it, so that errors name it as Kubernetes
 * does. `bytes` is a base64 string ([]byte); `int-or-string` is intstr.IntOrString; `quantity` is
 * resource.Quantity (a string, or a number kubectl and YAML write unquoted).
 */
export type ScalarType = 'string' | 'bool' | 'int32' | 'int64' | 'float64' | 'bytes' | 'int-or-string' | 'quantity';

/**
 * `true` takes any value; a scalar type names the field's type; a one-element array describes the
 * elements of a list; an object names the fields of an object. In an object, the field `'*'` gives
 * the schema of every field it does not name: `{ '*': 'string' }` is a map of strings, and
 * `{ name: 'string', '*': true }` an object whose other fields are not declared here (not unknown).
 */
export type FieldSchema = true | ScalarType | ObjectSchema | readonly [FieldSchema];

export interface ObjectSchema {
  readonly [field: string]: FieldSchema;
}

/** The schema of the field `key` of an object declared by `schema`, or undefined for a field it does not know. */
export function fieldSchemaOf(schema: ObjectSchema, key: string): FieldSchema | undefined {
  if (Object.hasOwn(schema, key) && key !== '*') return schema[key];
  return Object.hasOwn(schema, '*') ? schema['*'] : undefined;
}

export function isListSchema(schema: FieldSchema): schema is readonly [FieldSchema] {
  return Array.isArray(schema);
}

export function isObjectSchema(schema: FieldSchema): schema is ObjectSchema {
  return typeof schema === 'object' && !Array.isArray(schema);
}

/** A map whose values all have `values` as their schema (labels, Secret data). */
export function mapOf(values: FieldSchema): ObjectSchema {
  return { '*': values };
}

const structNames = new WeakMap<ObjectSchema, string>();

/**
 * An object schema with the name of its Go struct (`DeploymentSpec`), which decoding errors name as
 * Kubernetes' do: `Go struct field DeploymentSpec.spec.replicas of type int32`.
 */
export function struct(name: string, fields: ObjectSchema): ObjectSchema {
  structNames.set(fields, name);
  return fields;
}

export function structNameOf(schema: ObjectSchema): string | undefined {
  return structNames.get(schema);
}
