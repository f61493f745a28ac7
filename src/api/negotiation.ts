// Request bodies (JSON, YAML or protobuf) into objects within the body limits, with positioned parse
// errors, and what the client asked to get back (Table, aggregated discovery).
import type { YamlBodyParser } from './yaml-body-parser.ts';
import { AppError } from '../errors.ts';
import { jsonSyntaxProblem } from '../lib/json-syntax-error.ts';
import { measureJsonText } from '../lib/json-shape.ts';
import { checkBodyShape, shapeError, type BodyLimits } from './body-limits.ts';
import { isPlainObject, type KubeObject } from '../kube/object.ts';
import { decodeKubernetesProtobuf } from './protobuf/decode.ts';

export type BodyFormat = 'json' | 'yaml';

export function bodyFormatOf(contentType: string | null): BodyFormat {
  const type = (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
  if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml' || type === 'application/apply-patch+yaml') return 'yaml';
  if (type === 'application/json' || type === '' || type.endsWith('+json')) return 'json';
  throw new AppError(
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
  );
}

/** What parsing a body needs: the limits it must stay within, and the off-thread YAML parser. */
export interface BodyReading {
  readonly limits: BodyLimits;
  readonly yaml: Pick<YamlBodyParser, 'parse'>;
  readonly signal?: AbortSignal;
}

/** Parses a body; BadRequest says where the text stops making sense, TooLarge which limit it passes. */
export async function parseBody(bytes: Uint8Array, format: BodyFormat, reading: BodyReading): Promise<unknown> {
  const text = Buffer.from(bytes).toString('utf8');
  if (text.trim() === '') throw new AppError('BadRequest', 'the request body is empty');
  if (format === 'yaml') return reading.yaml.parse(text, reading.signal);
  // Measured before parsing: a body of a million tiny values or a thousand levels costs the parse
  // and every later step far more than its bytes suggest.
  const shape = measureJsonText(text, reading.limits);
  if (shape.exceeded) throw shapeError(shape.exceeded, reading.limits, 'the request body');
  try {
    return JSON.parse(text);
  } catch (error) {
    // Where the text went wrong, not what it said: the body may be a Secret.
    throw new AppError('BadRequest', `the request body is not valid JSON: ${jsonSyntaxProblem(error)}`);
  }
}

export async function parseObjectBody(bytes: Uint8Array, contentType: string | null, reading: BodyReading): Promise<KubeObject> {
  let parsed: unknown;
  if ((contentType ?? '').split(';')[0].trim().toLowerCase() === 'application/vnd.kubernetes.protobuf') {
    parsed = decodeKubernetesProtobuf(bytes);
    checkBodyShape(parsed, reading.limits, 'the request body');
  } else parsed = await parseBody(bytes, bodyFormatOf(contentType), reading);
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
