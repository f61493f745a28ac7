// Feeds a work queue from the store: lists a prefix, then watches it from the list's version, and
// starts over (listing again) whenever the watch ends or fails, e.g. Gone after compaction.
import type { ResourceStore, WatchEvent } from '../../store/resource-store.ts';
import type { Logger } from '../../lib/logger.ts';

export async function watchSource(
  store: Pick<ResourceStore, 'list' | 'watch'>,
  prefix: string,
  handle: (event: WatchEvent) => void,
  options: { signal: AbortSignal; logger: Logger; retryMs?: number },
): Promise<void> {
  while (!options.signal.aborted) {
    try {
      const current = await store.list(prefix);
      for (const item of current.items) handle({ type: 'ADDED', ...item });
      for await (const event of store.watch(prefix, current.resourceVersion, options.signal)) handle(event);
    } catch (error) {
      if (options.signal.aborted) return;
      options.logger.warn('watch ended; listing again', { prefix, error });
    }
    if (!options.signal.aborted) await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 500));
  }
}
