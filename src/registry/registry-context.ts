// What every registry handler works with.
import type { BlobStore } from '../blobs/blob-store.ts';
import type { ResourceStore } from '../store/resource-store.ts';
import type { ImageStreams } from '../streams/image-streams.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { RepositoryLinks } from '../streams/repository-links.ts';
import type { Caller, RegistryAccess } from './registry-access.ts';
import type { WatchedCache } from '../store/watched-cache.ts';
import type { ManifestCache } from './manifest-cache.ts';
import type { PullThrough } from './pull-through.ts';

export interface RegistryDeps {
  readonly blobs: BlobStore;
  readonly store: ResourceStore;
  /** Image streams and Images, read and written as the registry itself. */
  readonly streams: ImageStreams;
  readonly links: RepositoryLinks;
  readonly access: RegistryAccess;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Stream tag → digest lookups, emptied by any image stream change. */
  readonly tags?: WatchedCache<{ exists: boolean; digest?: string }>;
  readonly manifests?: ManifestCache;
  /** Changes whenever any cache the manifest fast path reads is emptied; undefined when one is not live. */
  readonly cacheStamp?: () => string | undefined;
  /** Fetches what streams reference but this registry does not hold. */
  readonly pullThrough?: PullThrough;
  /** host[:port] that pull specs name. */
  readonly publicHost: () => string;
}

export interface RegistryContext extends RegistryDeps {
  readonly caller: Caller;
  readonly requestId: string;
}
