// Reads a Kubernetes API path into what it addresses: group, version, namespace, resource, name,
// subresource, and the RBAC verb the method stands for.
import { AppError } from '../errors.ts';

export interface ResourceRequestInfo {
  readonly kind: 'resource';
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly namespace?: string;
  readonly resource: string;
  readonly name?: string;
  readonly subresource?: string;
}

export interface OtherRequestInfo {
  readonly kind: 'nonResource';
  readonly verb: string;
  readonly path: string;
}

export type RequestInfo = ResourceRequestInfo | OtherRequestInfo;

const methodVerbs: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch' };

export function parseRequestInfo(method: string, url: URL): RequestInfo {
  const path = url.pathname;
  const nonResource = (): OtherRequestInfo => ({ kind: 'nonResource', verb: method.toLowerCase(), path });
  let parts = path.split('/').filter((p) => p !== '');
  if (parts[0] === 'api') parts = ['', ...parts.slice(1)];
  else if (parts[0] === 'apis') parts = parts.slice(1);
  else return nonResource();
  if (parts.length < 3) return nonResource();
  parts = parts.map(decodeSegment);
  const [group, version] = parts;
  let rest = parts.slice(2);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && ['status', 'finalize'].includes(rest[2]))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (extra.length > 0) throw new AppError('NotFound', 'the server could not find the requested resource');
  // Kubernetes authorizes a namespace (and OpenShift a project) within itself.
  if ((resource === 'namespaces' || resource === 'projects') && name !== undefined) namespace = name;
  const watching = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
  let verb: string;
  if (method === 'GET' || method === 'HEAD') verb = name === undefined ? (watching ? 'watch' : 'list') : watching ? 'watch' : 'get';
  else if (method === 'DELETE') verb = name === undefined ? 'deletecollection' : 'delete';
  else verb = methodVerbs[method] ?? method.toLowerCase();
  return { kind: 'resource', verb, group, version, namespace, resource, name, subresource };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AppError('BadRequest', `invalid path segment "${segment}"`);
  }
}
