// Streams watch events as JSON lines, ending on timeout, client disconnect or a Gone history.
import type { ApiWatchEvent } from './rest-storage.ts';
import { asAppError } from '../errors.ts';
import { toStatus } from './to-status.ts';
import { markStreaming } from '../lib/streaming-response.ts';

export interface WatchStreamOptions {
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** Rewrites each event's object (e.g. into a Table row). */
  readonly render?: (event: ApiWatchEvent, first: boolean) => unknown;
  readonly onError?: (error: unknown) => void;
}

export function watchResponse(events: AsyncIterable<ApiWatchEvent>, stop: AbortController, options: WatchStreamOptions): Response {
  const encoder = new TextEncoder();
  const timer = setTimeout(() => stop.abort(), options.timeoutMs);
  const onClientGone = () => stop.abort();
  options.signal.addEventListener('abort', onClientGone);
  const iterator = events[Symbol.asyncIterator]();
  let first = true;
  // Set once the client cancelled the body: a pull still waiting for an event then has nobody to tell.
  let cancelled = false;
  const finish = () => {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onClientGone);
    stop.abort();
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (cancelled) return;
        if (next.done || stop.signal.aborted) {
          finish();
          controller.close();
          return;
        }
        const object = options.render ? options.render(next.value, first) : next.value.object;
        first = false;
        controller.enqueue(encoder.encode(JSON.stringify({ type: next.value.type, object }) + '\n'));
      } catch (error) {
        // A watch the client closed, or that timed out, ends its event source: that is no failure.
        if (cancelled) return;
        if (stop.signal.aborted) {
          finish();
          controller.close();
          return;
        }
        const appError = asAppError(error);
        if (appError.kind === 'Internal') options.onError?.(error);
        controller.enqueue(encoder.encode(JSON.stringify({ type: 'ERROR', object: toStatus(appError) }) + '\n'));
        finish();
        controller.close();
      }
    },
    cancel() {
      cancelled = true;
      finish();
      void iterator.return?.();
    },
  });
  return markStreaming(new Response(body, { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' } }));
}
