// Request bodies (JSON or YAML) into objects with positioned parse errors, and what the client
// asked to get back (Table, aggregated discovery).
import YAML from 'yaml';
import { AppError } from '../errors.ts';
import { isPlainObject, type KubeObject } from '../kube/object.ts';
import { decodeKubernetesProtobuf } from './protobuf/decode.ts';

export type BodyFormat = 'json' | 'yaml';

export function bodyFormatOf(contentType: string | null): BodyFormat {
  const type = (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
  if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml' || type === 'application/apply-patch+yaml') return 'yaml';
  if (type === 'application/json' || type === '' || type.endsWith('+json')) return 'json';
  throw new AppError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
}

/** Parses a body; BadRequest says where the text stops making sense. */
export function parseBody(bytes: Uint8Array, format: BodyFormat): unknown {
  const text = Buffer.from(bytes).toString('utf8');
  if (text.trim() === '') throw new AppError('BadRequest', 'the request body is empty');
  if (format === 'json') {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new AppError('BadRequest', `the request body is not valid JSON: ${(error as Error).message}`);
    }
  }
  const documents = YAML.parseAllDocuments(text, { prettyErrors: true });
  const list = Array.isArray(documents) ? documents : [documents];
  const problem = list.flatMap((d) => d.errors)[0];
  if (problem) {
    const where = problem.linePos?.[0] ? ` at line ${problem.linePos[0].line}, column ${problem.linePos[0].col}` : '';
    throw new AppError('BadRequest', `the request body is not valid YAML${where}: ${problem.message.split('\n')[0]}`);
  }
  if (list.length !== 1) throw new AppError('BadRequest', 'the request body must hold exactly one YAML document');
  return list[0].toJS();
}

export function parseObjectBody(bytes: Uint8Array, contentType: string | null): KubeObject {
  if ((contentType ?? '').split(';')[0].trim().toLowerCase() === 'application/vnd.kubernetes.protobuf') return decodeKubernetesProtobuf(bytes) as KubeObject;
  const parsed = parseBody(bytes, bodyFormatOf(contentType));
  if (!isPlainObject(parsed)) throw new AppError('BadRequest', 'the request body must be an object');
  return parsed as KubeObject;
}

export function wantsTable(accept: string | null): boolean {
  return (accept ?? '').split(',').some((part) => part.includes('as=Table') && part.includes('g=meta.k8s.io'));
}

/** `v2` or `v2beta1` when the client asks for aggregated discovery. */
export function aggregatedDiscoveryVersion(accept: string | null): 'v2' | 'v2beta1' | undefined {
  for (const part of (accept ?? '').split(',')) {
    if (!part.includes('as=APIGroupDiscoveryList')) continue;
    const version = /;\s*v=(v2beta1|v2)\b/.exec(part)?.[1];
    if (version === 'v2' || version === 'v2beta1') return version;
  }
  return undefined;
}
