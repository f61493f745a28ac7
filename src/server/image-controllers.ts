// The controllers and leader-only housekeeping, wired to the streams layer and the API engine:
// the import controller and scheduler import as their own service account, the trigger
// controller re-admits workloads, and the leader sweeps expired tokens and (on etcd) compacts.
import type { ServerConfig } from './config.ts';
import type { ResourceStore } from '../store/resource-store.ts';
import type { Logger } from '../lib/logger.ts';
import type { Clock } from '../lib/clock.ts';
import type { MetricsRegistry } from '../lib/metrics.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { ResourceCatalogue } from '../api/resource-definition.ts';
import type { RequestContext } from '../api/rest-storage.ts';
import type { ImageImportSpec, ImportServices } from '../streams/stream-imports.ts';
import type { TagReference } from '../image/image-stream.ts';
import type { RegistryBudgets } from '../importer/upstream/registry-budgets.ts';
import { StreamImports } from '../streams/stream-imports.ts';
import { ImageStreams } from '../streams/image-streams.ts';
import { storedStreams } from '../api/stored-streams.ts';
import { workloadRefresh } from '../api/workload-refresh.ts';
import { ImportController } from '../controllers/image-import/import-controller.ts';
import { ImportScheduler } from '../controllers/image-import/import-scheduler.ts';
import { TriggerController } from '../controllers/image-triggers/trigger-controller.ts';
import { ControllerManager, storeCompaction, type Controller } from '../controllers/manager.ts';
import { storedWorkloads, type WorkloadSource } from '../controllers/image-triggers/workload-source.ts';
import { openElection } from './backends.ts';

export interface ImageControllerDeps {
  readonly config: ServerConfig;
  readonly store: ResourceStore;
  readonly catalogue: ResourceCatalogue;
  readonly importServices: ImportServices;
  /** Every registry's rate-limit budget, which the scheduler spends. */
  readonly budgets?: RegistryBudgets;
  readonly tokens: TokenService;
  readonly metrics: MetricsRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How a controller acts on the API: as its own service account. */
  readonly actingAs: (user: string) => (namespace?: string) => RequestContext;
  /** A connected cluster's workloads, which triggers then act on instead of stored ones. */
  readonly clusterWorkloads?: WorkloadSource;
  /** More controllers that run on the leader only (the cluster's pull secrets). */
  readonly moreControllers?: readonly Controller[];
}

export function imageControllers(deps: ImageControllerDeps): ControllerManager {
  const { config, store, catalogue, clock, logger, metrics } = deps;
  const importer = deps.actingAs('system:serviceaccount:openshift-infra:image-import-controller')();
  const imports = new StreamImports({ streams: storedStreams(catalogue, importer), store, clock, services: deps.importServices });
  const importerStreams = new ImageStreams({ store: storedStreams(catalogue, importer), clock });
  // Each controller's imports record it as their cause on the tag events they add.
  const importTagsBecause =
    (cause: string) => async (namespace: string, name: string, tags: readonly TagReference[], signal: AbortSignal, repository?: ImageImportSpec) =>
      void (await imports.importTags(namespace, name, tags, signal, repository, cause));
  const refresh = workloadRefresh(catalogue, deps.actingAs('system:serviceaccount:openshift-infra:image-trigger-controller'));
  const scheduler = new ImportScheduler({
    store,
    logger,
    intervalMs: config.importIntervalMs,
    maxPerMinute: config.maxScheduledImportsPerMinute,
    maxConcurrent: config.maxConcurrentImports,
    maxPerRegistry: config.maxConcurrentImportsPerRegistry,
    checkTags: (stream, tags, signal) =>
      imports.checkUpstreamTags(
        stream,
        tags.map((t) => ({ name: t.name, from: t.from!.name, insecure: Boolean(t.importPolicy?.insecure) })),
        signal,
      ),
    importTags: importTagsBecause('schedule'),
    noteRetry: async (namespace, name, retries) => void (await importerStreams.noteRetry(namespace, name, retries)),
    deferTags: async (namespace, name, deferrals) => void (await importerStreams.deferImports(namespace, name, deferrals)),
    clearFailures: async (namespace, name, tags) => void (await importerStreams.clearImportFailures(namespace, name, tags)),
    budgets: deps.budgets,
    metrics: {
      checks: metrics.counter('ims_scheduled_import_checks_total', 'Visits of streams with scheduled tags.'),
      imports: metrics.counter('ims_scheduled_imports_total', 'Scheduled tags by result: imported, unchanged, failed or deferred (rate limit).'),
      deferred: metrics.counter('ims_scheduled_imports_deferred_total', "Scheduled imports put off for a registry's rate limit, by registry host."),
      duration: metrics.histogram('ims_scheduled_import_duration_seconds', 'Time a scheduled visit took, by registry host.'),
    },
  });
  const triggers = new TriggerController({
    store,
    logger,
    workloads: deps.clusterWorkloads ?? storedWorkloads({ store, logger, kinds: refresh.kinds, refresh: (kind, key) => refresh.refresh(kind, key) }),
    metrics: {
      updates: metrics.counter('ims_image_trigger_updates_total', 'Workloads updated because a tag they follow changed, by kind.'),
      latency: metrics.histogram('ims_image_trigger_latency_seconds', 'Time from a stream change to the updated workload, by kind.'),
    },
  });
  return new ControllerManager({
    election: openElection(config, logger),
    logger,
    controllers: [new ImportController({ store, logger, importTags: importTagsBecause('tag') }), scheduler, triggers, ...(deps.moreControllers ?? [])],
    periodic: [
      // Expired tokens are useless; sweep them so the store does not grow with every login.
      { name: 'the token sweep', intervalMs: 10 * 60_000, run: () => deps.tokens.sweepExpired().then(() => undefined) },
      // etcd keeps every revision until told otherwise; keep five minutes of history for watches, as Kubernetes does.
      ...(config.store === 'etcd' ? [storeCompaction(store)] : []),
    ],
  });
}
