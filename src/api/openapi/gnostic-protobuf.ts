// The OpenAPI v2 document in the protobuf form kubectl 1.27 and 1.28 ask for
// (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`): gnostic's `openapi_v2.Document`,
// by the field numbers of its OpenAPIv2.proto. Only the parts swaggerDocument writes are encoded; a
// key this encoder does not know throws, so the two cannot drift apart silently. Vendor extensions
// carry their value as YAML text, which JSON is.
import type { SwaggerDocument } from './v2-document.ts';
import { encodeVarint } from '../protobuf/wire.ts';

/** What kubectl asks for; Go's mime parser refuses the `@`, so the answer is labelled with a dot, as Kubernetes does. */
export const openApiV2ProtobufTypes = {
  asked: ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf'],
  answered: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
} as const;

type Json = Record<string, unknown>;

/** Protobuf's wire format, as far as these messages need it: varints and length-delimited fields. */
class MessageWriter {
  private readonly chunks: Buffer[] = [];

  private key(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  private varint(value: number): void {
    this.chunks.push(encodeVarint(value));
  }

  bytes(field: number, value: Buffer): this {
    this.key(field, 2);
    this.varint(value.length);
    this.chunks.push(value);
    return this;
  }

  /** proto3 leaves out empty strings and false, as Go's marshaller does. */
  string(field: number, value: unknown): this {
    if (value === undefined || value === '') return this;
    if (typeof value !== 'string') throw new TypeError(`field ${field}: expected a string, got ${JSON.stringify(value)}`);
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  strings(field: number, values: unknown): this {
    for (const value of (values as unknown[] | undefined) ?? []) this.bytes(field, Buffer.from(String(value), 'utf8'));
    return this;
  }

  bool(field: number, value: unknown): this {
    if (value === true) {
      this.key(field, 0);
      this.varint(1);
    }
    return this;
  }

  message(field: number, value: Buffer | undefined): this {
    return value === undefined ? this : this.bytes(field, value);
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function checkKeys(what: string, object: Json, known: readonly string[]): void {
  for (const key of Object.keys(object)) {
    if (!key.startsWith('x-') && !known.includes(key)) throw new TypeError(`${what}: the protobuf encoder does not know "${key}"`);
  }
}

/** NamedAny entries (name 1, Any 2 whose yaml is field 2) for the object's `x-` keys. */
function vendorExtensions(w: MessageWriter, field: number, object: Json): void {
  for (const [name, value] of Object.entries(object)) {
    if (!name.startsWith('x-')) continue;
    const any = new MessageWriter().string(2, JSON.stringify(value)).finish();
    w.bytes(field, new MessageWriter().string(1, name).bytes(2, any).finish());
  }
}

function schema(object: Json): Buffer {
  checkKeys('Schema', object, ['$ref', 'format', 'description', 'required', 'additionalProperties', 'type', 'items', 'properties', 'uniqueItems']);
  const w = new MessageWriter().string(1, object.$ref).string(2, object.format).string(4, object.description);
  w.bool(16, object.uniqueItems).strings(19, object.required);
  const additional = object.additionalProperties;
  if (typeof additional === 'boolean') w.bytes(21, new MessageWriter().bool(2, additional).finish());
  else if (additional) w.bytes(21, new MessageWriter().bytes(1, schema(additional as Json)).finish());
  if (object.type !== undefined) w.bytes(22, new MessageWriter().strings(1, [object.type]).finish());
  if (object.items) w.bytes(23, new MessageWriter().bytes(1, schema(object.items as Json)).finish());
  if (object.properties) w.bytes(25, namedSchemas(object.properties as Json));
  vendorExtensions(w, 31, object);
  return w.finish();
}

/** Properties and Definitions alike: repeated NamedSchema (name 1, Schema 2) as field 1. */
function namedSchemas(schemas: Json): Buffer {
  const w = new MessageWriter();
  for (const [name, value] of Object.entries(schemas))
    w.bytes(
      1,
      new MessageWriter()
        .string(1, name)
        .bytes(2, schema(value as Json))
        .finish(),
    );
  return w.finish();
}

/** A ParametersItem holding a Parameter: a BodyParameter, or a query or path NonBodyParameter. */
function parameter(object: Json): Buffer {
  let encoded: Buffer;
  if (object.in === 'body') {
    checkKeys('BodyParameter', object, ['name', 'in', 'required', 'schema', 'description']);
    const body = new MessageWriter().string(1, object.description).string(2, object.name).string(3, object.in).bool(4, object.required);
    encoded = new MessageWriter().bytes(1, body.message(5, schema(object.schema as Json)).finish()).finish();
  } else {
    checkKeys('NonBodyParameter', object, ['name', 'in', 'required', 'type', 'uniqueItems', 'description']);
    if (object.in !== 'query' && object.in !== 'path') throw new TypeError(`a parameter in "${String(object.in)}" is not encoded`);
    const common = new MessageWriter().bool(1, object.required).string(2, object.in).string(3, object.description).string(4, object.name);
    // The two sub-schemas number `type` and `uniqueItems` differently, as gnostic does.
    const sub = object.in === 'query' ? common.string(6, object.type).bool(20, object.uniqueItems) : common.string(5, object.type).bool(19, object.uniqueItems);
    encoded = new MessageWriter().bytes(2, new MessageWriter().bytes(object.in === 'query' ? 3 : 4, sub.finish()).finish()).finish();
  }
  return new MessageWriter().bytes(1, encoded).finish();
}

function responses(object: Json): Buffer {
  const w = new MessageWriter();
  for (const [code, value] of Object.entries(object)) {
    const answer = value as Json;
    checkKeys('Response', answer, ['description', 'schema']);
    const response = new MessageWriter().string(1, answer.description);
    if (answer.schema) response.bytes(2, new MessageWriter().bytes(1, schema(answer.schema as Json)).finish());
    const responseValue = new MessageWriter().bytes(1, response.finish()).finish();
    w.bytes(1, new MessageWriter().string(1, code).bytes(2, responseValue).finish());
  }
  return w.finish();
}

function operation(object: Json): Buffer {
  checkKeys('Operation', object, ['description', 'operationId', 'produces', 'consumes', 'parameters', 'responses']);
  const w = new MessageWriter().string(3, object.description).string(5, object.operationId).strings(6, object.produces).strings(7, object.consumes);
  for (const p of (object.parameters as Json[] | undefined) ?? []) w.bytes(8, parameter(p));
  if (object.responses) w.bytes(9, responses(object.responses as Json));
  vendorExtensions(w, 13, object);
  return w.finish();
}

const methodFields: Readonly<Record<string, number>> = { get: 2, put: 3, post: 4, delete: 5, patch: 8 };

function pathItem(object: Json): Buffer {
  checkKeys('PathItem', object, [...Object.keys(methodFields), 'parameters']);
  const w = new MessageWriter();
  for (const [method, field] of Object.entries(methodFields)) if (object[method]) w.bytes(field, operation(object[method] as Json));
  for (const p of (object.parameters as Json[] | undefined) ?? []) w.bytes(9, parameter(p));
  vendorExtensions(w, 10, object);
  return w.finish();
}

export function encodeSwaggerDocument(document: SwaggerDocument): Buffer {
  checkKeys('Document', document as unknown as Json, ['swagger', 'info', 'paths', 'definitions']);
  const info = new MessageWriter().string(1, document.info.title).string(2, document.info.version).finish();
  const paths = new MessageWriter();
  for (const [name, item] of Object.entries(document.paths)) paths.bytes(2, new MessageWriter().string(1, name).bytes(2, pathItem(item)).finish());
  return new MessageWriter().string(1, document.swagger).bytes(2, info).bytes(8, paths.finish()).bytes(9, namedSchemas(document.definitions)).finish();
}
