// Imports spec tags as soon as they are pending: watches image streams and asks the importer for
// every DockerImage tag whose generation is ahead of its status (on create, on `tag`, on a reset
// to generation 0). One import per stream at a time; a change during an import queues another.
import type { ResourceStore } from '../../store/resource-store.ts';
import type { ImageStream, TagReference } from '../../image/image-stream.ts';
import type { Logger } from '../../lib/logger.ts';
import { pendingImports } from './pending-imports.ts';

export interface ImportControllerDeps {
  readonly store: Pick<ResourceStore, 'list' | 'watch' | 'get'>;
  /** Imports `tags` of the stream and records the results on it. */
  readonly importTags: (namespace: string, name: string, tags: readonly TagReference[], signal: AbortSignal) => Promise<void>;
  readonly logger: Logger;
}

const prefix = 'image.openshift.io/imagestreams/';

export class ImportController {
  private readonly deps: ImportControllerDeps;
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(deps: ImportControllerDeps) {
    this.deps = deps;
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const current = await this.deps.store.list(prefix);
        for (const item of current.items) this.enqueue(item.key, signal);
        for await (const event of this.deps.store.watch(prefix, current.resourceVersion, signal)) {
          if (event.type !== 'DELETED') this.enqueue(event.key, signal);
        }
      } catch (error) {
        if (!signal.aborted) this.deps.logger.warn('import controller watch failed; starting again', { error });
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  /** Resolves when nothing is being imported (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  private enqueue(key: string, signal: AbortSignal): void {
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    const work = this.reconcile(key, signal)
      .catch((error: unknown) => this.deps.logger.error('import failed', { key, error }))
      .finally(() => {
        this.running.delete(key);
        if (this.again.delete(key) && !signal.aborted) this.enqueue(key, signal);
      });
    this.running.set(key, work);
  }

  private async reconcile(key: string, signal: AbortSignal): Promise<void> {
    let stream: ImageStream;
    try {
      stream = (await this.deps.store.get(key)).value as unknown as ImageStream;
    } catch {
      return;
    }
    const pending = pendingImports(stream);
    if (pending.length === 0) return;
    this.deps.logger.info('importing pending tags', { namespace: stream.metadata.namespace, stream: stream.metadata.name, tags: pending.map((t) => t.name) });
    await this.deps.importTags(stream.metadata.namespace!, stream.metadata.name, pending, signal);
  }
}
