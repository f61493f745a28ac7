// The fence between pruning a blob and a push that starts using it again. Pruning announces the
// deletion in the shared store, then checks that no Image uses the blob, then deletes it; a
// manifest push, once its Image is stored, checks that none of its blobs is announced or gone.
// Whichever of the two comes second sees the other, so no stored Image is left pointing at a
// pruned blob — across replicas too, since the announcement lives in the ResourceStore.
import type { ResourceStore } from '../store/resource-store.ts';
import type { BlobStore } from '../blobs/blob-store.ts';
import type { Clock } from '../lib/clock.ts';
import { AppError, isAppError } from '../errors.ts';

const prefix = 'registry.imagestream.io/blobdeletions//';
/** An announcement this old was left by a prune that died; deleting one blob takes milliseconds. */
const staleAfterMs = 5 * 60 * 1000;

export interface BlobDeletionDeps {
  readonly store: ResourceStore;
  readonly blobs: Pick<BlobStore, 'stat'>;
  readonly clock: Clock;
}

/** Announces that `digest` is about to be deleted; call the returned function when done, whatever happened. */
export async function announceBlobDeletion(deps: BlobDeletionDeps, digest: string): Promise<() => Promise<void>> {
  const key = `${prefix}${digest}`;
  const record = { digest, startedAt: deps.clock.now().toISOString() };
  try {
    await deps.store.create(key, record);
  } catch (error) {
    if (!isAppError(error, 'AlreadyExists')) throw error;
    const existing = await deps.store.get(key);
    if (!isStale(existing.value, deps.clock)) throw new AppError('Conflict', `blob ${digest} is being deleted by another prune`);
    await deps.store.update(key, record, existing.resourceVersion);
  }
  return async () => {
    await deps.store.delete(key).catch((error: unknown) => {
      if (!isAppError(error, 'NotFound')) throw error;
    });
  };
}

/** The first of `digests` that a prune has announced or already deleted; undefined when all are safe. */
export async function firstPrunedBlob(deps: BlobDeletionDeps, digests: readonly string[]): Promise<string | undefined> {
  const announced = await deps.store.list(prefix);
  const pending = new Set(announced.items.filter((item) => !isStale(item.value, deps.clock)).map((item) => (item.value as { digest: string }).digest));
  for (const digest of digests) {
    if (pending.has(digest)) return digest;
    try {
      await deps.blobs.stat(digest);
    } catch (error) {
      if (isAppError(error, 'NotFound')) return digest;
      throw error;
    }
  }
  return undefined;
}

function isStale(value: unknown, clock: Clock): boolean {
  const startedAt = Date.parse((value as { startedAt?: string }).startedAt ?? '');
  return !(startedAt > clock.now().getTime() - staleAfterMs);
}
