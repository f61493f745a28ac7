// Kubernetes' protobuf envelope (`application/vnd.kubernetes.protobuf`), which kubectl's imperative
// `create` commands send. The object inside is read by the schemas of the kinds those commands
// make; other kinds, and content those schemas do not cover, get 415 with a request for JSON.
import { AppError } from '../../errors.ts';
import { readFields, decodeMessage } from './wire.ts';
import { objectSchemas } from './kube-schemas.ts';

const magic = 'k8s\u0000';

/** Decodes a protobuf body into the JSON form of its object. */
export function decodeKubernetesProtobuf(bytes: Uint8Array): Record<string, unknown> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < magic.length || buffer.subarray(0, magic.length).toString('latin1') !== magic)
    throw new AppError('BadRequest', 'the protobuf body does not start with the Kubernetes envelope');
  const envelope = readFields(buffer.subarray(magic.length));
  const part = (n: number) => envelope.find((f) => f.number === n)?.value;
  const typeMeta = part(1);
  const typeFields = Buffer.isBuffer(typeMeta) ? readFields(typeMeta) : [];
  const text = (n: number) => {
    const value = typeFields.find((f) => f.number === n)?.value;
    return Buffer.isBuffer(value) ? value.toString('utf8') : '';
  };
  const apiVersion = text(1);
  const kind = text(2);
  const schema = objectSchemas[`${apiVersion}/${kind}`];
  if (!schema) {
    const known = [...new Set(Object.keys(objectSchemas).map((key) => key.slice(key.lastIndexOf('/') + 1)))].join(', ');
    throw new AppError('UnsupportedMediaType', `protobuf bodies are understood for ${known} only; send ${kind || 'this object'} as JSON (application/json)`);
  }
  const raw = part(2);
  const object = decodeMessage(Buffer.isBuffer(raw) ? raw : Buffer.alloc(0), schema, kind, kind) as Record<string, unknown>;
  return { apiVersion, kind, ...object };
}
