// A BlobDriver in process memory: for tests and throwaway servers, with the same rules as the others.
import { Readable } from 'node:stream';
import type { ByteRange } from '../blob-store.ts';
import type { Appended, AppendState, BlobDriver, ListedObject, ObjectInfo } from '../blob-driver.ts';

interface MemoryObject {
  content: Buffer;
  modifiedAt: number;
}

export class MemoryBlobDriver implements BlobDriver {
  readonly readsUnfinishedAppends = true;
  private readonly objects = new Map<string, MemoryObject>();

  async stat(path: string): Promise<ObjectInfo | undefined> {
    const object = this.objects.get(path);
    return object && { size: object.content.byteLength, modifiedAt: object.modifiedAt };
  }

  async read(path: string, range?: ByteRange): Promise<Readable | undefined> {
    const object = this.objects.get(path);
    if (!object) return undefined;
    return Readable.from([range ? object.content.subarray(range.start, range.end + 1) : object.content]);
  }

  async put(path: string, content: Uint8Array, writtenAt: Date): Promise<void> {
    this.objects.set(path, { content: Buffer.from(content), modifiedAt: writtenAt.getTime() });
  }

  async delete(path: string): Promise<boolean> {
    return this.objects.delete(path);
  }

  async *list(prefix: string, after?: string): AsyncIterable<ListedObject> {
    const paths = [...this.objects.keys()].filter((path) => path.startsWith(prefix) && (after === undefined || path > after)).sort();
    for (const path of paths) {
      const object = this.objects.get(path);
      if (object) yield { path, size: object.content.byteLength, modifiedAt: object.modifiedAt };
    }
  }

  async startAppend(path: string): Promise<AppendState> {
    this.objects.set(path, { content: Buffer.alloc(0), modifiedAt: Date.now() });
    return { path, size: 0 };
  }

  async append(state: AppendState, chunks: AsyncIterable<Buffer>): Promise<Appended> {
    // Nothing is kept of a call that fails: the chunks are collected first.
    const received: Buffer[] = [];
    for await (const chunk of chunks) received.push(Buffer.from(chunk));
    const before = this.objects.get(state.path)?.content.subarray(0, state.size) ?? Buffer.alloc(0);
    const content = Buffer.concat([before, ...received]);
    this.objects.set(state.path, { content, modifiedAt: Date.now() });
    return { state: { ...state, size: content.byteLength } };
  }

  async finishAppend(state: AppendState): Promise<AppendState> {
    const object = this.objects.get(state.path);
    if (object) object.content = object.content.subarray(0, state.size);
    return state;
  }

  async abortAppend(): Promise<void> {}

  async move(from: string, to: string, writtenAt: Date): Promise<void> {
    const object = this.objects.get(from);
    if (!object) throw new Error(`nothing to move at ${from}`);
    this.objects.delete(from);
    this.objects.set(to, { content: object.content, modifiedAt: writtenAt.getTime() });
  }
}
