// Web streams over Node streams that start reading only when pulled, so the HTTP adapter can hand
// the underlying Node stream straight to a handler (uploads) or to the socket (blob downloads)
// when nobody touched the web side, instead of converting every chunk twice.
import type { Readable } from 'node:stream';

const underlying = new WeakMap<object, { readable: Readable; pulled: boolean; taken: boolean }>();

/** A ReadableStream that reads `readable` on demand, remembered so `takeNodeStream` can bypass it. */
export function lazyWebStream(readable: Readable): ReadableStream<Uint8Array> {
  const state = { readable, pulled: false, taken: false };
  let ended = false;
  let failure: Error | undefined;
  readable.once('end', () => (ended = true));
  readable.once('error', (error) => (failure = error));
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        state.pulled = true;
        for (;;) {
          if (failure) return controller.error(failure);
          const chunk = readable.read() as Buffer | null;
          if (chunk !== null) return controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if (ended || readable.readableEnded) return controller.close();
          await new Promise<void>((resolve) => {
            const done = () => {
              readable.off('readable', done);
              readable.off('end', done);
              readable.off('error', done);
              resolve();
            };
            readable.on('readable', done);
            readable.on('end', done);
            readable.on('error', done);
          });
        }
      },
      cancel() {
        readable.destroy();
      },
      // No read-ahead: the default strategy would pull once at construction, and a pulled stream can
      // no longer be bypassed.
    },
    { highWaterMark: 0 },
  );
  underlying.set(stream, state);
  return stream;
}

/** The Node stream behind a web body nobody has read yet; after this, only the Node stream may be read. */
export function takeNodeStream(body: ReadableStream<Uint8Array> | null): Readable | undefined {
  if (!body) return undefined;
  const state = underlying.get(body);
  if (!state || state.pulled || state.taken) return undefined;
  state.taken = true;
  return state.readable;
}
