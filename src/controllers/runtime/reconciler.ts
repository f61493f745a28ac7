// Controllers reconcile keys, not events: the same key may be reconciled any number of times and
// each time must bring the world closer to what the key's object asks for.
import type { Logger } from '../../lib/logger.ts';
import type { WorkQueue } from './work-queue.ts';
import type { Counter } from '../../lib/metrics.ts';

export interface ReconcileResult {
  /** Reconcile this key again after this long, even if nothing changes. */
  readonly requeueAfterMs?: number;
}

export interface Reconciler {
  readonly name: string;
  reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult | void>;
}

/** An error retrying cannot fix: the key is dropped until something changes it. */
export class TerminalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TerminalError';
  }
}

/** Works keys off `queue` with `workers` parallel reconciles until `signal` aborts; the one place results and errors become requeues. */
export async function runWorkers(
  reconciler: Reconciler,
  queue: WorkQueue,
  options: { workers: number; signal: AbortSignal; logger: Logger; errors?: Counter },
): Promise<void> {
  options.signal.addEventListener('abort', () => queue.shutDown(), { once: true });
  await Promise.all(
    Array.from({ length: options.workers }, async () => {
      for (;;) {
        const key = await queue.next();
        if (key === undefined) return;
        try {
          const result = await reconciler.reconcile(key, options.signal);
          queue.forget(key);
          if (result?.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
        } catch (error) {
          options.errors?.inc({ controller: reconciler.name });
          if (error instanceof TerminalError) {
            queue.forget(key);
            options.logger.warn('reconcile failed for good', { controller: reconciler.name, key, error: error.message });
          } else {
            const delay = queue.retry(key);
            options.logger.warn('reconcile failed; retrying', { controller: reconciler.name, key, delayMs: delay, error });
          }
        } finally {
          queue.done(key);
        }
      }
    }),
  );
}
