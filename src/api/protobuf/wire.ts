// The protobuf wire format, read by a table of message schemas into the JSON form Kubernetes uses.
// Kubernetes' generated marshallers write every non-pointer field, so an empty string or a zero
// stands for "unset"; a field the schema does not know is accepted only when it is empty like
// that, because dropping real content would quietly lose part of the user's object.
import { AppError } from '../../errors.ts';

export type Scalar = 'string' | 'int' | 'bool' | 'bytes';

/** A map<string, V> field: protobuf writes each entry as a message with key 1 and value 2. */
export interface MapOf {
  readonly map: Scalar | MessageSchema;
}

export interface FieldSchema {
  readonly name: string;
  readonly type: Scalar | MessageSchema | MapOf;
  readonly repeated?: boolean;
  /** A pointer field in Go: a zero or empty value was set on purpose and is kept. */
  readonly keepZero?: boolean;
  /** Server-owned (status, timestamps, uid): read over and dropped. */
  readonly ignored?: boolean;
}

export interface MessageSchema {
  readonly message: string;
  readonly fields: Readonly<Record<number, FieldSchema>>;
  /** Turns the decoded object into its JSON form when that is not an object (Quantity, IntOrString). */
  readonly toJson?: (decoded: Record<string, unknown>) => unknown;
}

interface Field {
  readonly number: number;
  readonly value: bigint | Buffer;
}

function malformed(what: string): AppError {
  return new AppError('BadRequest', `the protobuf body is malformed (${what})`);
}

/** A non-negative integer as protobuf's base-128 varint. */
export function encodeVarint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function readVarint(bytes: Buffer, offset: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = offset; i < bytes.length && shift <= 63n; i++) {
    const byte = bytes[i];
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, i + 1];
    shift += 7n;
  }
  throw malformed('bad varint');
}

export function readFields(bytes: Buffer): Field[] {
  const out: Field[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const [key, next] = readVarint(bytes, offset);
    offset = next;
    const number = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [value, after] = readVarint(bytes, offset);
      out.push({ number, value });
      offset = after;
    } else if (wire === 2) {
      const [length, after] = readVarint(bytes, offset);
      const end = after + Number(length);
      if (end > bytes.length) throw malformed('truncated field');
      out.push({ number, value: bytes.subarray(after, end) });
      offset = end;
    } else if (wire === 1 || wire === 5) {
      const width = wire === 1 ? 8 : 4;
      if (offset + width > bytes.length) throw malformed('truncated field');
      out.push({ number, value: bytes.subarray(offset, offset + width) });
      offset += width;
    } else throw malformed(`wire type ${wire}`);
  }
  return out;
}

const isUnset = (value: bigint | Buffer) => (Buffer.isBuffer(value) ? value.length === 0 : value === 0n);

function scalar(type: Scalar, value: bigint | Buffer, path: string): unknown {
  if (type === 'int') {
    if (Buffer.isBuffer(value)) throw malformed(`${path} is not a number`);
    return Number(BigInt.asIntN(64, value));
  }
  if (type === 'bool') {
    if (Buffer.isBuffer(value)) throw malformed(`${path} is not a boolean`);
    return value !== 0n;
  }
  if (!Buffer.isBuffer(value)) throw malformed(`${path} is not ${type === 'bytes' ? 'bytes' : 'a string'}`);
  return type === 'bytes' ? value.toString('base64') : value.toString('utf8');
}

function isEmptyJson(value: unknown): boolean {
  return value === '' || value === 0 || value === false || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
}

function decodeValue(type: Scalar | MessageSchema, value: bigint | Buffer, path: string, kind: string): unknown {
  if (typeof type === 'string') return scalar(type, value, path);
  if (!Buffer.isBuffer(value)) throw malformed(`${path} is not a message`);
  return decodeMessage(value, type, path, kind);
}

/** Decodes one message; `kind` names the object in the error that asks for JSON instead. */
export function decodeMessage(bytes: Buffer, schema: MessageSchema, path: string, kind: string): unknown {
  const out: Record<string, unknown> = {};
  for (const { number, value } of readFields(bytes)) {
    const spec = schema.fields[number];
    const at = spec ? `${path}.${spec.name}` : `${path}#${number}`;
    if (!spec) {
      if (isUnset(value)) continue;
      throw new AppError(
        'UnsupportedMediaType',
        `this server reads only part of ${kind} from protobuf, and ${at} (a ${schema.message} field) is not in it; send ${kind} as JSON (application/json)`,
      );
    }
    if (spec.ignored) continue;
    let decoded: unknown;
    if (typeof spec.type === 'object' && 'map' in spec.type) {
      if (!Buffer.isBuffer(value)) throw malformed(`${at} is not a map entry`);
      const entry = readFields(value);
      const key = entry.find((f) => f.number === 1)?.value ?? Buffer.alloc(0);
      const item = entry.find((f) => f.number === 2)?.value ?? Buffer.alloc(0);
      const map = (out[spec.name] ??= {}) as Record<string, unknown>;
      map[scalar('string', key, at) as string] = decodeValue(spec.type.map, item, at, kind);
      continue;
    }
    decoded = decodeValue(spec.type, value, at, kind);
    if (spec.repeated) ((out[spec.name] ??= []) as unknown[]).push(decoded);
    else if (spec.keepZero || !isEmptyJson(decoded)) out[spec.name] = decoded;
  }
  return schema.toJson ? schema.toJson(out) : out;
}
