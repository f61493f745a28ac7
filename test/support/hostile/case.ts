// What a hostile-input case is: one request the server must refuse with a 4xx in its face's error
// format, built from a template and a seeded random source so the same cases run every time.
import type { Random } from '../seeded-random.ts';
import type { RawRequest } from '../raw-http.ts';
import type { Fixture } from './fixture.ts';

export type Family = 'registry' | 'api-bodies' | 'query' | 'headers';

export interface HostileCase {
  readonly family: Family;
  /** Says what the case breaks, to name it in a failure. */
  readonly name: string;
  /** A request to encode, or raw bytes (malformed requests) with the path they name. */
  readonly request: RawRequest | { readonly raw: Buffer; readonly path: string };
  readonly head?: boolean;
}

/** One kind of bad request: draws its details from `random`. */
export type Template = (fixture: Fixture, random: Random) => Omit<HostileCase, 'family'>;

/** `count` cases of `family`, going round the templates so each is used at least once when count allows. */
export function generate(family: Family, templates: readonly Template[], fixture: Fixture, random: Random, count: number): HostileCase[] {
  return Array.from({ length: count }, (_, i) => ({ family, ...templates[i % templates.length](fixture, random) }));
}

/** The path a case addresses, as the server resolves it (dot segments removed). */
export function resolvedPath(hostile: HostileCase): string {
  try {
    return new URL(hostile.request.path, 'http://localhost').pathname;
  } catch {
    return '/';
  }
}

/** Whether the registry's error format applies: its paths answer OCI errors, the rest Kubernetes Status. */
export function isRegistryCase(hostile: HostileCase): boolean {
  const path = resolvedPath(hostile);
  return path === '/v2' || path.startsWith('/v2/') || path === '/openshift/token';
}

export const json = (value: unknown) => JSON.stringify(value);

/** Nested arrays `depth` levels deep around `inner`. */
export function nested(depth: number, inner = '0'): string {
  return '['.repeat(depth) + inner + ']'.repeat(depth);
}
