// Kubernetes' protobuf envelope, read far enough for the objects kubectl's imperative commands send
// as protobuf (`create namespace`, `create secret`, `create serviceaccount`, `create token`). Other
// kinds get 415 with a hint to send JSON.
import { AppError } from '../errors.ts';

type Field = { number: number; wire: number; value: bigint | Buffer };

function readVarint(bytes: Buffer, offset: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = offset; i < bytes.length; i++) {
    const byte = bytes[i];
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, i + 1];
    shift += 7n;
    if (shift > 63n) break;
  }
  throw new AppError('BadRequest', 'the protobuf body is malformed (bad varint)');
}

function fields(bytes: Buffer): Field[] {
  const out: Field[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const [key, next] = readVarint(bytes, offset);
    offset = next;
    const number = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [value, after] = readVarint(bytes, offset);
      out.push({ number, wire, value });
      offset = after;
    } else if (wire === 2) {
      const [length, after] = readVarint(bytes, offset);
      const end = after + Number(length);
      if (end > bytes.length) throw new AppError('BadRequest', 'the protobuf body is malformed (truncated field)');
      out.push({ number, wire, value: bytes.subarray(after, end) });
      offset = end;
    } else if (wire === 1) offset += 8;
    else if (wire === 5) offset += 4;
    else throw new AppError('BadRequest', `the protobuf body is malformed (wire type ${wire})`);
  }
  return out;
}

const text = (f: Field | undefined) => (f && Buffer.isBuffer(f.value) ? f.value.toString('utf8') : undefined);
const one = (all: Field[], n: number) => all.find((f) => f.number === n);
const many = (all: Field[], n: number) => all.filter((f) => f.number === n && Buffer.isBuffer(f.value)).map((f) => f.value as Buffer);

function stringMap(entries: Buffer[], asBase64 = false): Record<string, string> | undefined {
  if (entries.length === 0) return undefined;
  const map: Record<string, string> = {};
  for (const entry of entries) {
    const parts = fields(entry);
    const value = one(parts, 2);
    map[text(one(parts, 1)) ?? ''] = asBase64 ? (Buffer.isBuffer(value?.value) ? value.value.toString('base64') : '') : (text(value) ?? '');
  }
  return map;
}

function objectMeta(bytes: Buffer | undefined): Record<string, unknown> {
  if (!bytes) return {};
  const all = fields(bytes);
  const meta: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => value !== undefined && value !== '' && (meta[key] = value);
  set('name', text(one(all, 1)));
  set('generateName', text(one(all, 2)));
  set('namespace', text(one(all, 3)));
  set('labels', stringMap(many(all, 11)));
  set('annotations', stringMap(many(all, 12)));
  return meta;
}

const references = (entries: Buffer[]) => entries.map((e) => ({ name: text(one(fields(e), 1)) ?? '' }));

const decoders: Record<string, (all: Field[]) => Record<string, unknown>> = {
  'v1/Namespace': (all) => ({ metadata: objectMeta(many(all, 1)[0]) }),
  'v1/ServiceAccount': (all) => ({ metadata: objectMeta(many(all, 1)[0]), secrets: references(many(all, 2)), imagePullSecrets: references(many(all, 3)) }),
  'v1/Secret': (all) => {
    const secret: Record<string, unknown> = { metadata: objectMeta(many(all, 1)[0]), data: stringMap(many(all, 2), true) ?? {} };
    const type = text(one(all, 3));
    if (type) secret.type = type;
    const stringData = stringMap(many(all, 4));
    if (stringData) secret.stringData = stringData;
    return secret;
  },
  'authentication.k8s.io/v1/TokenRequest': (all) => {
    const spec = many(all, 2)[0];
    const specFields = spec ? fields(spec) : [];
    const seconds = one(specFields, 4);
    return { metadata: objectMeta(many(all, 1)[0]), spec: { audiences: many(specFields, 1).map((b) => b.toString('utf8')), ...(seconds ? { expirationSeconds: Number(seconds.value) } : {}) } };
  },
};

/** Decodes a `application/vnd.kubernetes.protobuf` body into the JSON form of its object. */
export function decodeKubernetesProtobuf(bytes: Uint8Array): Record<string, unknown> {
  const buffer = Buffer.from(bytes);
  if (buffer.length < 4 || buffer.subarray(0, 4).toString('latin1') !== 'k8s\u0000') throw new AppError('BadRequest', 'the protobuf body does not start with the Kubernetes envelope');
  const envelope = fields(buffer.subarray(4));
  const typeMeta = many(envelope, 1)[0];
  const typeFields = typeMeta ? fields(typeMeta) : [];
  const apiVersion = text(one(typeFields, 1)) ?? '';
  const kind = text(one(typeFields, 2)) ?? '';
  const decoder = decoders[`${apiVersion}/${kind}`];
  if (!decoder) throw new AppError('UnsupportedMediaType', `protobuf bodies are understood for Namespace, Secret, ServiceAccount and TokenRequest only; send ${kind || 'this object'} as JSON (application/json)`);
  return { apiVersion, kind, ...decoder(fields(many(envelope, 2)[0] ?? Buffer.alloc(0))) };
}
