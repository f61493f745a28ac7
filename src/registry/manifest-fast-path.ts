// The registry's hot path, all of it: a GET or HEAD of a manifest answered from caches before any
// web Request is built. It answers only when everything it needs is cached and the caller may
// pull; anything else (including every error) is left to the full path, which reports it.
import type { RegistryDeps } from './registry-context.ts';
import type { FastAnswer } from '../lib/fast-answer.ts';
import { isDigest } from '../image/digest.ts';
import { isTag, parseRegistryPath, type RegistryRoute } from './repository-name.ts';
import { resolve } from './manifests.ts';

export interface ManifestFastPathDeps extends RegistryDeps {
  /** Counts an answer given here as the request metrics count the others. */
  readonly observe?: (method: string, status: number, seconds: number) => void;
}

export class ManifestFastPath {
  private readonly deps: ManifestFastPathDeps;
  private readonly answers = new Map<string, { answer: FastAnswer; stamp: string; until: number }>();

  constructor(deps: ManifestFastPathDeps) {
    this.deps = deps;
  }

  /** The answer for `method pathAndQuery`, or undefined to take the full path. */
  async answer(method: string, pathAndQuery: string, authorization: string | undefined, requestId: string): Promise<FastAnswer | undefined> {
    if (!pathAndQuery.startsWith('/v2/') || pathAndQuery.includes('?')) return undefined;
    const started = performance.now();
    const answer = await this.memoised(pathAndQuery, authorization, requestId).catch(() => undefined);
    if (answer) this.deps.observe?.(method, answer.status, (performance.now() - started) / 1000);
    return answer;
  }

  private async memoised(pathname: string, authorization: string | undefined, requestId: string): Promise<FastAnswer | undefined> {
    // The same caller asking for the same manifest while no cache behind the answer changed, within a
    // second (so an expiring token stops working promptly): the answer it got last time.
    const stamp = this.deps.cacheStamp?.();
    const memoKey = `${authorization ?? ''}\u0000${pathname}`;
    const memo = stamp !== undefined ? this.answers.get(memoKey) : undefined;
    const now = Date.now();
    if (memo && memo.stamp === stamp && memo.until > now) return memo.answer;
    const answer = await this.compute(pathname, authorization, requestId);
    if (answer && stamp !== undefined) {
      if (this.answers.size > 10_000) this.answers.clear();
      this.answers.set(memoKey, { answer, stamp, until: now + 1000 });
    }
    return answer;
  }

  private async compute(pathname: string, authorization: string | undefined, requestId: string): Promise<FastAnswer | undefined> {
    let route: RegistryRoute;
    try {
      route = parseRegistryPath(pathname);
    } catch {
      return undefined;
    }
    if (route.kind !== 'manifest') return undefined;
    const { repository, reference } = route;
    if (!isDigest(reference) && !isTag(reference)) return undefined;
    const caller = await this.deps.access.identify(authorization ?? null).catch(() => undefined);
    if (!caller || !(await this.deps.access.allowed(caller, 'pull', repository))) return undefined;
    const context = { ...this.deps, caller, requestId };
    const digest = isDigest(reference) ? reference : await resolve(context, repository, reference).catch(() => undefined);
    if (!digest) return undefined;
    const bytes = this.deps.manifests?.get(digest);
    const link = bytes && (await this.deps.links.manifestLink(repository, digest));
    if (!bytes || !link) return undefined;
    const headers = {
      'content-type': link.mediaType,
      'content-length': String(link.size),
      'docker-content-digest': digest,
      etag: `"${digest}"`,
      'docker-distribution-api-version': 'registry/2.0',
    };
    return { status: 200, headers, body: bytes };
  }
}
