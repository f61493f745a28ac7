// The caches the server answers from, each emptied by store watches so every replica answers
// alike: tokens, RBAC decisions, registry links and tag lookups, and the stamp that tells the
// registry's fast path whether any of them changed.
import type { ResourceStore } from '../store/resource-store.ts';
import type { Logger } from '../lib/logger.ts';
import type { UserInfo } from '../auth/user.ts';
import { WatchedCache } from '../store/watched-cache.ts';

export interface WatchedCaches {
  readonly tokens: WatchedCache<{ user: UserInfo; expiresAt?: number } | null>;
  readonly decisions: WatchedCache<boolean>;
  readonly links: WatchedCache<Record<string, unknown> | null>;
  readonly tags: WatchedCache<{ exists: boolean; digest?: string }>;
  /** Changes whenever any of them is emptied; undefined while one is not live. */
  stamp(): string | undefined;
}

export function startWatchedCaches(store: ResourceStore, signal: AbortSignal, logger: Logger): WatchedCaches {
  const caches = {
    tokens: new WatchedCache<{ user: UserInfo; expiresAt?: number } | null>(store, [
      'oauth.openshift.io/',
      'user.openshift.io/users/',
      'user.openshift.io/groups/',
      'core/serviceaccounts/',
    ]),
    decisions: new WatchedCache<boolean>(store, ['rbac.authorization.k8s.io/']),
    links: new WatchedCache<Record<string, unknown> | null>(store, ['registry.imagestream.io/']),
    tags: new WatchedCache<{ exists: boolean; digest?: string }>(store, ['image.openshift.io/imagestreams/']),
  };
  const all = Object.values(caches);
  for (const cache of all) cache.start(signal, logger);
  return {
    ...caches,
    stamp: () => {
      const versions = all.map((cache) => cache.version);
      return versions.includes(-1) ? undefined : versions.join(':');
    },
  };
}
