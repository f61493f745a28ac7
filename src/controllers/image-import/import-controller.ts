// Imports spec tags as soon as they are pending: a reconciler over image stream keys that asks the
// importer for every DockerImage tag whose generation is ahead of its status (on create, on `tag`,
// on a reset to generation 0). The work queue keeps one import per stream at a time.
import type { ResourceStore } from '../../store/resource-store.ts';
import type { ImageStream, TagReference } from '../../image/image-stream.ts';
import type { ImageImportSpec } from '../../kube/kinds/image.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Reconciler } from '../runtime/reconciler.ts';
import { importableTags, pendingImports, pendingRepository, repositoryImport } from './pending-imports.ts';
import { WorkQueue } from '../runtime/work-queue.ts';
import { runWorkers } from '../runtime/reconciler.ts';
import { watchSource } from '../runtime/watch-source.ts';
import { unlessNotFound } from '../../errors.ts';
import { kinds } from '../../kube/kinds.ts';
import { kindValue } from '../../store/kind-values.ts';

export interface ImportControllerDeps {
  readonly store: Pick<ResourceStore, 'list' | 'watch' | 'get'>;
  /** Imports `tags` of the stream and records the results on it. */
  readonly importTags: (namespace: string, name: string, tags: readonly TagReference[], signal: AbortSignal, repository?: ImageImportSpec) => Promise<void>;
  readonly logger: Logger;
}

const prefix = 'image.openshift.io/imagestreams/';

export class ImportController implements Reconciler {
  readonly name = 'image-import';
  private readonly deps: ImportControllerDeps;
  /** A new queue each time this replica starts leading: the last one was shut down when leadership ended. */
  private queue = new WorkQueue();

  constructor(deps: ImportControllerDeps) {
    this.deps = deps;
  }

  run(signal: AbortSignal): void {
    this.queue = new WorkQueue();
    void watchSource(this.deps.store, prefix, (event) => event.type !== 'DELETED' && this.queue.add(event.key), { signal, logger: this.deps.logger });
    void runWorkers(this, this.queue, { workers: 2, signal, logger: this.deps.logger });
  }

  async reconcile(key: string, signal: AbortSignal): Promise<void> {
    const stored = await unlessNotFound(this.deps.store.get(key));
    if (!stored) return;
    const stream: ImageStream = kindValue(kinds.imageStreams, stored.value);
    // A whole-repository import refreshes every importable tag too, as OpenShift's full import does.
    const repository = pendingRepository(stream);
    const pending = repository ? importableTags(stream) : pendingImports(stream);
    if (pending.length === 0 && !repository) return;
    this.deps.logger.info('importing pending tags', {
      namespace: stream.metadata.namespace,
      stream: stream.metadata.name,
      tags: pending.map((t) => t.name),
      ...(repository ? { repository } : {}),
    });
    try {
      await this.deps.importTags(
        stream.metadata.namespace!,
        stream.metadata.name,
        pending,
        signal,
        repository ? repositoryImport(stream, repository) : undefined,
      );
    } catch (error) {
      // Interrupted by a stop or a handover: nothing was recorded, so the tags are still pending for whoever leads next.
      if (!signal.aborted) throw error;
    }
  }
}
