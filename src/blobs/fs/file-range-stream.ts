// A byte range of an open file as a Readable. Read as a stream, every chunk is a fresh buffer the
// consumer may keep. Sent with `sendTo`, the bytes go through two reused buffers instead: fresh
// multi-megabyte buffers per chunk cost page faults and whole-heap garbage collections that made
// serving a large blob CPU-bound.
import { Readable, type Writable } from 'node:stream';
import type { FileHandle } from 'node:fs/promises';
import { writeAndWait, type Sendable } from '../../lib/sendable.ts';

const chunkBytes = 1024 * 1024;
/** Buffers kept for reuse across sends; beyond this, buffers of finished sends are left to the GC. */
const poolLimit = 32;
const pool: Buffer[] = [];

function takeBuffer(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(chunkBytes);
}

function returnBuffer(buffer: Buffer): void {
  if (pool.length < poolLimit) pool.push(buffer);
}

export class FileRangeStream extends Readable implements Sendable {
  private readonly handle: FileHandle;
  private position: number;
  private remaining: number;
  private handleClosed = false;

  /** `end` is exclusive. */
  constructor(handle: FileHandle, start: number, end: number) {
    super({ highWaterMark: chunkBytes });
    this.handle = handle;
    this.position = start;
    this.remaining = Math.max(0, end - start);
  }

  override _read(): void {
    void this.readNext().then(
      (chunk) => this.push(chunk),
      (error: Error) => this.destroy(error),
    );
  }

  private async readNext(): Promise<Buffer | null> {
    if (this.remaining === 0) return null;
    const buffer = Buffer.allocUnsafe(Math.min(chunkBytes, this.remaining));
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, this.position);
    if (bytesRead === 0) throw new Error('blob file is shorter than its recorded size');
    this.position += bytesRead;
    this.remaining -= bytesRead;
    return bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
  }

  async sendTo(destination: Writable, signal: AbortSignal): Promise<void> {
    const buffers = [takeBuffer(), takeBuffer()];
    let inFlight: Promise<void> | undefined;
    try {
      for (let turn = 0; this.remaining > 0; turn ^= 1) {
        // The write that last used this buffer was awaited before the previous write started.
        const buffer = buffers[turn];
        const { bytesRead } = await this.handle.read(buffer, 0, Math.min(buffer.length, this.remaining), this.position);
        if (bytesRead === 0) throw new Error('blob file is shorter than its recorded size');
        this.position += bytesRead;
        this.remaining -= bytesRead;
        await inFlight;
        inFlight = writeAndWait(destination, buffer.subarray(0, bytesRead), signal);
        // It may fail while the next read runs; it is awaited before the next write.
        inFlight.catch(() => undefined);
      }
      await inFlight;
      for (const buffer of buffers) returnBuffer(buffer);
    } catch (error) {
      // A write may still hold a buffer; let the GC have both rather than risk handing one out twice.
      await inFlight?.catch(() => undefined);
      throw error;
    } finally {
      this.destroy();
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.handleClosed) return callback(error);
    this.handleClosed = true;
    this.handle.close().then(
      () => callback(error),
      (closeError: Error) => callback(error ?? closeError),
    );
  }
}
