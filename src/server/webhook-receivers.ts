// The webhook face wired to the streams layer: deliveries are checked and imported as the import
// controller's service account, on whichever replica receives them (imports retry on conflict).
import type { ResourceStore } from '../store/resource-store.ts';
import type { Logger } from '../lib/logger.ts';
import type { Clock } from '../lib/clock.ts';
import type { MetricsRegistry } from '../lib/metrics.ts';
import type { ResourceCatalogue } from '../api/resource-definition.ts';
import type { RequestContext } from '../api/rest-storage.ts';
import type { ImportServices } from '../streams/stream-imports.ts';
import type { Face } from './face-router.ts';
import type { TagReference } from '../kube/kinds/image.ts';
import type { RegistryClient } from '../importer/upstream/registry-client.ts';
import type { CheckRound } from '../webhooks/hint-imports.ts';
import { StreamImports } from '../streams/stream-imports.ts';
import { storedStreams } from '../api/stored-streams.ts';
import { statusResponse } from '../api/http-responses.ts';
import { unlessNotFound } from '../errors.ts';
import { kinds } from '../kube/kinds.ts';
import { getKindValue } from '../store/kind-values.ts';
import { HintImports } from '../webhooks/hint-imports.ts';
import { WebhookFace } from '../webhooks/webhook-face.ts';

export interface WebhookReceiverDeps {
  readonly store: ResourceStore;
  readonly catalogue: ResourceCatalogue;
  readonly importServices: ImportServices;
  readonly metrics: MetricsRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly actingAs: (user: string) => (namespace?: string) => RequestContext;
  /** How long hints for one stream are gathered into one check. */
  readonly coalesceMs: number;
  readonly signal: AbortSignal;
}

export function webhookReceivers(deps: WebhookReceiverDeps): Face & { readonly imports: HintImports } {
  const { store, logger } = deps;
  const importer = deps.actingAs('system:serviceaccount:openshift-infra:image-import-controller')();
  const streams = storedStreams(deps.catalogue, importer);
  const startRound = (tags: readonly TagReference[]): CheckRound => {
    // The HEAD's client serves the import too (one ping, one token), unless a tag comes from this
    // server's own registry, whose imports read with a token of the project's service account.
    const self = deps.importServices.selfRegistry?.host;
    const create = deps.importServices.createRegistryClient;
    let client: RegistryClient | undefined;
    const shared = create && !tags.some((t) => self && t.from?.name.startsWith(`${self}/`));
    const services: ImportServices = shared ? { ...deps.importServices, createRegistryClient: (keyring) => (client ??= create(keyring)) } : deps.importServices;
    const imports = new StreamImports({ streams, store, clock: deps.clock, services });
    return {
      changedTags: (stream, checked, signal) =>
        imports.changedUpstreamTags(
          stream,
          checked.map((t) => ({ name: t.name, from: t.from!.name, insecure: Boolean(t.importPolicy?.insecure) })),
          signal,
        ),
      importTags: async (namespace, name, moved, signal, cause) => void (await imports.importTags(namespace, name, moved, signal, undefined, cause)),
    };
  };
  const imports = new HintImports({
    readStream: (namespace, name) => unlessNotFound(getKindValue(store, kinds.imageStreams, namespace, name)),
    startRound,
    windowMs: deps.coalesceMs,
    logger,
    checks: deps.metrics.counter(
      'ims_webhook_tag_checks_total',
      'Tags a webhook said moved, by result: imported, unchanged (one HEAD said so), known (digest imported already).',
    ),
    signal: deps.signal,
  });
  const face = new WebhookFace({
    store,
    imports,
    renderError: statusResponse,
    logger,
    deliveries: deps.metrics.counter(
      'ims_webhook_deliveries_total',
      'Webhook deliveries by receiver type and result: accepted, duplicate, unverified, malformed.',
    ),
  });
  return {
    name: 'webhooks',
    imports,
    serves: (pathname) => face.serves(pathname),
    handle: (request, requestId) => face.handle(request, requestId),
    loggedPath: (pathname) => face.loggedPath(pathname),
  };
}
