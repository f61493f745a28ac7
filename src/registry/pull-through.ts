// Pull-through (SPEC §4.2): manifests and blobs an image stream references but this registry does
// not hold are fetched from where the stream imported them, with the stream namespace's secrets,
// verified by digest and mirrored, so later pulls work while the upstream is down. Concurrent
// misses for one digest in one repository fetch it once. Nothing the stream does not reference is
// ever fetched, and nothing is linked into a repository without such a verified fetch.
import { Readable } from 'node:stream';
import type { BlobStore } from '../blobs/blob-store.ts';
import type { RegistryClient } from '../importer/upstream/registry-client.ts';
import type { Logger } from '../lib/logger.ts';
import type { RepositoryLinks } from '../streams/repository-links.ts';
import type { Repository } from './repository-name.ts';
import type { StreamReferences, UpstreamSource } from './stream-references.ts';
import { parseImageReference } from '../image/reference.ts';
import { upstreamOf } from '../importer/importer.ts';

export interface PullThroughDeps {
  readonly clientFor: (namespace: string) => Promise<RegistryClient>;
  readonly blobs: Pick<BlobStore, 'put' | 'startUpload' | 'appendUpload' | 'commitUpload' | 'cancelUpload'>;
  readonly links: Pick<RepositoryLinks, 'linkManifest' | 'linkBlob'>;
  readonly logger: Logger;
}

export class PullThrough {
  private readonly deps: PullThroughDeps;
  private readonly inflight = new Map<string, SharedFetch>();

  constructor(deps: PullThroughDeps) {
    this.deps = deps;
  }

  /** Fetches and mirrors a referenced manifest; false when no source has it. */
  manifest(repository: Repository, digest: string, references: StreamReferences, signal?: AbortSignal): Promise<boolean> {
    return this.once(`${repository.path}@${digest}`, signal, async (signal) => {
      const mediaType = references.manifests.get(digest)?.mediaType;
      for (const source of references.sources.get(digest) ?? []) {
        try {
          const client = await this.deps.clientFor(repository.namespace);
          const fetched = await client.fetchManifest(upstream(source), digest, signal);
          await this.deps.blobs.put(digest, fetched.bytes);
          await this.deps.links.linkManifest(repository, { digest, mediaType: fetched.mediaType || mediaType || '', size: fetched.bytes.byteLength });
          return true;
        } catch (error) {
          // Interrupted: the client is told so (503), not that no source has the manifest.
          if (signal?.aborted) throw error;
          this.deps.logger.warn('pull-through of a manifest failed', {
            repository: repository.path,
            digest,
            source: source.repository,
            error: (error as Error).message,
          });
        }
      }
      return false;
    });
  }

  /** Fetches and mirrors a referenced blob; false when no source has it. */
  blob(repository: Repository, digest: string, references: StreamReferences, signal?: AbortSignal): Promise<boolean> {
    // Fetched even when the bytes are held for another repository: the verified fetch from this
    // stream's source is what proves this repository may have them.
    return this.once(`${repository.path}@${digest}`, signal, async (signal) => {
      for (const source of references.sources.get(digest) ?? []) {
        const session = await this.deps.blobs.startUpload();
        try {
          const client = await this.deps.clientFor(repository.namespace);
          const { body } = await client.openBlob(upstream(source), digest, signal);
          await this.deps.blobs.appendUpload(session.id, 0, Readable.fromWeb(body as import('node:stream/web').ReadableStream));
          const info = await this.deps.blobs.commitUpload(session.id, digest);
          await this.deps.links.linkBlob(repository, digest, info.size);
          return true;
        } catch (error) {
          await this.deps.blobs.cancelUpload(session.id).catch(() => {});
          if (signal?.aborted) throw error;
          this.deps.logger.warn('pull-through of a blob failed', {
            repository: repository.path,
            digest,
            source: source.repository,
            error: (error as Error).message,
          });
        }
      }
      return false;
    });
  }

  /**
   * One fetch for every request that misses the same content at once. It is stopped only when every
   * request waiting for it has gone (or the server stops them all): one client hanging up must not
   * cut short the download the others wait for. A client that leaves is answered at once.
   */
  private once(key: string, signal: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<boolean>): Promise<boolean> {
    let fetch = this.inflight.get(key);
    if (!fetch) {
      const stop = new AbortController();
      const started: SharedFetch = {
        result: work(stop.signal).finally(() => {
          if (this.inflight.get(key) === started) this.inflight.delete(key);
        }),
        stop,
        waiting: 0,
      };
      this.inflight.set(key, started);
      fetch = started;
    }
    const shared = fetch;
    shared.waiting += 1;
    return new Promise<boolean>((resolve, reject) => {
      const leave = () => {
        shared.waiting -= 1;
        if (shared.waiting === 0) {
          // A fetch stopped for want of waiters is no longer one to join: the next miss starts its own.
          if (this.inflight.get(key) === shared) this.inflight.delete(key);
          shared.stop.abort(signal?.reason);
        }
        reject(signal?.reason ?? new Error('the request was aborted'));
      };
      if (signal?.aborted) return leave();
      signal?.addEventListener('abort', leave, { once: true });
      shared.result.then(
        (found) => {
          signal?.removeEventListener('abort', leave);
          resolve(found);
        },
        (error: unknown) => {
          signal?.removeEventListener('abort', leave);
          reject(error);
        },
      );
    });
  }
}

interface SharedFetch {
  readonly result: Promise<boolean>;
  readonly stop: AbortController;
  /** Requests still waiting for it. */
  waiting: number;
}

function upstream(source: UpstreamSource) {
  return upstreamOf(parseImageReference(source.repository), source.insecure);
}
