// A readable that can also write itself into a destination more cheaply than being read chunk by
// chunk, e.g. a file sent from reused buffers. The HTTP adapter uses `sendTo` when a response body
// offers it; every other consumer reads the stream as usual.
import type { Readable, Writable } from 'node:stream';

export interface Sendable {
  /** Writes all remaining content into `destination` (without ending it), honouring its backpressure. */
  sendTo(destination: Writable, signal: AbortSignal): Promise<void>;
}

export function isSendable(stream: Readable): stream is Readable & Sendable {
  return typeof (stream as Partial<Sendable>).sendTo === 'function';
}

/** Resolves once `destination` has taken `chunk` (its write callback ran), so the chunk's memory may be reused. */
export function writeAndWait(destination: Writable, chunk: Uint8Array, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onClose = () => finish(new Error('destination closed before the write completed'));
    const onAbort = () => finish(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const finish = (error?: Error | null) => {
      destination.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    if (signal.aborted) return onAbort();
    if (destination.destroyed) return onClose();
    destination.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
    destination.write(chunk, finish);
  });
}
