// Upload sessions that received no byte for longer than the expiry (`ims serve --upload-expiry`)
// are ended and their bytes deleted, sessions from before a restart too. A session that got a byte
// within the expiry is never touched, however long ago it started.
import type { BlobStore } from '../blobs/blob-store.ts';
import type { RepositoryLinks } from '../streams/repository-links.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Counter } from '../lib/metrics.ts';
import { isAppError } from '../errors.ts';

export interface UploadExpiryDeps {
  readonly blobs: Pick<BlobStore, 'listUploads' | 'cancelUpload'>;
  readonly links: Pick<RepositoryLinks, 'forgetUpload'>;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface ExpiredUploads {
  readonly sessions: number;
  readonly bytes: number;
}

/** One pass over every session: ends those idle for `expiryMs` or more. */
export async function expireIdleUploads(deps: UploadExpiryDeps, expiryMs: number, signal?: AbortSignal): Promise<ExpiredUploads> {
  const idleSince = deps.clock.now().getTime() - expiryMs;
  let sessions = 0;
  let bytes = 0;
  for await (const upload of deps.blobs.listUploads()) {
    signal?.throwIfAborted();
    if (Date.parse(upload.updatedAt) > idleSince) continue;
    try {
      // The repository's record goes first: a crash between the two leaves a session without a
      // record, which the next pass still finds, rather than a record nothing ever removes.
      await deps.links.forgetUpload(upload.id);
      await deps.blobs.cancelUpload(upload.id);
      sessions += 1;
      bytes += upload.size;
    } catch (error) {
      // Ended meanwhile by its client; anything else must not keep the other sessions.
      if (!isAppError(error, 'NotFound')) deps.logger.warn('could not expire an idle upload session', { upload: upload.id, error });
    }
  }
  return { sessions, bytes };
}

/** Runs a pass now (a restart may follow a long stop) and then often enough that no session outlives its expiry by much. */
export function expireUploadsPeriodically(
  deps: UploadExpiryDeps & { metrics: { sessions: Counter; bytes: Counter } },
  expiryMs: number,
  signal: AbortSignal,
): void {
  const intervalMs = Math.min(10 * 60_000, Math.max(1000, Math.floor(expiryMs / 10)));
  let running = false;
  const pass = async () => {
    if (running || signal.aborted) return;
    running = true;
    try {
      const expired = await expireIdleUploads(deps, expiryMs, signal);
      deps.metrics.sessions.inc({}, expired.sessions);
      deps.metrics.bytes.inc({}, expired.bytes);
      if (expired.sessions > 0) deps.logger.info('expired idle upload sessions', { ...expired, expiryMs });
    } catch (error) {
      if (!signal.aborted) deps.logger.warn('the upload expiry pass failed', { error });
    } finally {
      running = false;
    }
  };
  void pass();
  const timer = setInterval(() => void pass(), intervalMs);
  timer.unref();
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}
