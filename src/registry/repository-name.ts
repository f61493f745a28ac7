// Registry paths: `/v2/<namespace>/<imagestream>/<kind>/...`. Names follow the OCI grammar and
// must be exactly two components, so nothing in a name can reach a path of the data dir.
import { AppError } from '../errors.ts';
import type { Repository } from '../streams/repository-links.ts';

const component = /^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*$/;
const tag = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

export type { Repository };

export type RegistryRoute =
  | { readonly kind: 'base' }
  | { readonly kind: 'catalog' }
  | { readonly kind: 'manifest'; readonly repository: Repository; readonly reference: string }
  | { readonly kind: 'blob'; readonly repository: Repository; readonly digest: string }
  | { readonly kind: 'uploads'; readonly repository: Repository }
  | { readonly kind: 'upload'; readonly repository: Repository; readonly id: string }
  | { readonly kind: 'tags'; readonly repository: Repository }
  | { readonly kind: 'referrers'; readonly repository: Repository; readonly digest: string };

export function parseRepository(path: string): Repository {
  const parts = path.split('/');
  if (path.length > 255) throw nameInvalid(path, 'repository name must not be longer than 255 characters');
  if (parts.some((p) => !component.test(p))) throw nameInvalid(path, 'invalid repository name');
  if (parts.length !== 2) throw nameInvalid(path, 'it must be of the format <project>/<name>');
  return { namespace: parts[0], name: parts[1], path };
}

export function parseRegistryPath(pathname: string): RegistryRoute {
  if (pathname === '/v2/' || pathname === '/v2') return { kind: 'base' };
  if (pathname === '/v2/_catalog') return { kind: 'catalog' };
  const rest = pathname.slice('/v2/'.length);
  const patterns: [RegExp, (name: string, value: string) => RegistryRoute][] = [
    [/^(.+)\/manifests\/([^/]+)$/, (n, v) => ({ kind: 'manifest', repository: parseRepository(n), reference: v })],
    [/^(.+)\/blobs\/uploads\/?$/, (n) => ({ kind: 'uploads', repository: parseRepository(n) })],
    [/^(.+)\/blobs\/uploads\/([^/]+)$/, (n, v) => ({ kind: 'upload', repository: parseRepository(n), id: v })],
    [/^(.+)\/blobs\/([^/]+)$/, (n, v) => ({ kind: 'blob', repository: parseRepository(n), digest: v })],
    [/^(.+)\/tags\/list$/, (n) => ({ kind: 'tags', repository: parseRepository(n) })],
    [/^(.+)\/referrers\/([^/]+)$/, (n, v) => ({ kind: 'referrers', repository: parseRepository(n), digest: v })],
  ];
  for (const [pattern, build] of patterns) {
    const match = pattern.exec(rest);
    if (match) return build(decode(match[1]), decode(match[2] ?? ''));
  }
  throw new AppError('NotFound', 'the requested registry path does not exist', { ociCode: 'NAME_UNKNOWN' });
}

export function isTag(reference: string): boolean {
  return tag.test(reference);
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw nameInvalid(text, 'invalid escape in path');
  }
}

function nameInvalid(name: string, reason: string): AppError {
  return new AppError('BadRequest', `invalid repository name "${name.slice(0, 100)}": ${reason}`, { ociCode: 'NAME_INVALID' });
}
