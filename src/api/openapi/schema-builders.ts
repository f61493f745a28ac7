// The few shapes the kinds' OpenAPI field schemas are written in, so that each schema file reads as
// the field documentation it is. Schemas only: no HTTP, no knowledge of any kind.
import type { OpenApiSchema } from '../resource-definition.ts';

export const string = (description: string): OpenApiSchema => ({ type: 'string', description });
export const boolean = (description: string): OpenApiSchema => ({ type: 'boolean', description });
export const integer = (description: string): OpenApiSchema => ({ type: 'integer', format: 'int64', description });
export const time = (description: string): OpenApiSchema => ({ type: 'string', format: 'date-time', description });
export const list = (description: string, items: OpenApiSchema): OpenApiSchema => ({ type: 'array', description, items });
export const stringMap = (description: string): OpenApiSchema => ({ type: 'object', description, additionalProperties: { type: 'string' } });
export const mapOf = (description: string, values: OpenApiSchema): OpenApiSchema => ({ type: 'object', description, additionalProperties: values });
/** An object whose fields are not described here: kubectl takes any field below it. */
export const free = (description: string): OpenApiSchema => ({ type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true });
/** Any value at all: no type, so kubectl's client-side validation (of a List's items) takes whatever is there. */
export const anything = (description: string): OpenApiSchema => ({ description, 'x-kubernetes-preserve-unknown-fields': true });

export function object(description: string, properties: Record<string, OpenApiSchema>, required?: readonly string[]): OpenApiSchema {
  return { type: 'object', description, properties, ...(required?.length ? { required } : {}) };
}

/** The same schema, described for where it is used (OpenShift documents each use of a shared type). */
export function describedAs(schema: OpenApiSchema, description: string): OpenApiSchema {
  return { ...schema, description };
}

export const objectMetadata = free("Standard object's metadata: name, namespace, labels, annotations, resourceVersion and the other fields every object has.");

/** A whole object nested in another (an ImageStreamTag's Image): its own apiVersion, kind and metadata beside its fields. */
export function embeddedObject(description: string, fields: Record<string, OpenApiSchema>, required?: readonly string[]): OpenApiSchema {
  return object(
    description,
    {
      apiVersion: string('The versioned schema of this object, e.g. image.openshift.io/v1.'),
      kind: string('The kind of this object, e.g. Image.'),
      metadata: objectMetadata,
      ...fields,
    },
    required,
  );
}

/** core/v1 ObjectReference, with every field the server accepts in it. */
export function objectReference(description: string): OpenApiSchema {
  return object(description, {
    kind: string('Kind of the referent.'),
    namespace: string('Namespace of the referent.'),
    name: string('Name of the referent.'),
    uid: string('UID of the referent.'),
    apiVersion: string('API version of the referent.'),
    resourceVersion: string('The resourceVersion of the referent this reference was made to, if any.'),
    fieldPath: string('The part of the referent meant, when the reference is to a piece of an object rather than all of it.'),
  });
}
