// In-process fan-out of committed changes to watchers, shared by the backends that commit in this
// process. It must never drop or reorder an event: a watcher that falls too far behind is ended instead.
import type { WatchEvent } from './resource-store.ts';
import { AppError } from '../errors.ts';

type Listener = (event: WatchEvent) => void;

export class ChangeFeed {
  private readonly listeners = new Set<Listener>();

  publish(event: WatchEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /**
   * Replays history through `replay` (events after `fromResourceVersion`), then follows live events,
   * with no gap and no duplicate between the two.
   */
  async *follow(
    prefix: string,
    fromResourceVersion: string,
    replay: () => readonly WatchEvent[],
    signal: AbortSignal,
    maxBacklog = 10_000,
  ): AsyncIterable<WatchEvent> {
    const queue: WatchEvent[] = [];
    let wake: (() => void) | undefined;
    let overflow = false;
    const listener: Listener = (event) => {
      if (!event.key.startsWith(prefix)) return;
      if (queue.length >= maxBacklog) overflow = true;
      else queue.push(event);
      wake?.();
    };
    this.listeners.add(listener);
    const onAbort = () => wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      let last = BigInt(fromResourceVersion);
      for (const event of replay()) {
        if (signal.aborted) return;
        last = BigInt(event.resourceVersion);
        yield event;
      }
      while (!signal.aborted) {
        if (overflow) throw new AppError('Gone', 'watch fell too far behind; start a new watch');
        const event = queue.shift();
        if (event === undefined) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        if (BigInt(event.resourceVersion) <= last) continue;
        last = BigInt(event.resourceVersion);
        yield event;
      }
    } finally {
      this.listeners.delete(listener);
      signal.removeEventListener('abort', onAbort);
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
