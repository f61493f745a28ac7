// The composition root, as a wiring diagram: backends from the table, then auth, the streams layer,
// the faces, the controllers and the router. Behaviour lives in the modules it wires, not here.
import type { ResourceStore } from '../store/resource-store.ts';
import type { BlobStore } from '../blobs/blob-store.ts';
import type { ServerConfig } from './config.ts';
import type { Logger } from '../lib/logger.ts';
import type { Clock } from '../lib/clock.ts';
import type { FastPath } from './http.ts';
import type { UserInfo } from '../auth/user.ts';
import type { RequestContext } from '../api/rest-storage.ts';
import type { CredentialKeyring } from '../importer/upstream/credentials.ts';
import { join } from 'node:path';
import { blobContentDir, openBlobs, openElection, openStore, storeBackup } from './backends.ts';
import { createFaceRouter } from './face-router.ts';
import { healthFace } from './health-face.ts';
import { metricsFace } from './metrics-face.ts';
import { backupFace } from './backup-face.ts';
import { MetricsRegistry } from '../lib/metrics.ts';
import { WatchedCache } from '../store/watched-cache.ts';
import { TokenService } from '../auth/tokens.ts';
import { Authenticator } from '../auth/authenticator.ts';
import { RbacAuthorizer } from '../auth/rbac/authorizer.ts';
import { HtpasswdFile } from '../auth/htpasswd.ts';
import { serviceAccountUser } from '../auth/user.ts';
import { RegistryClient } from '../importer/upstream/registry-client.ts';
import { createUndiciTransport } from '../importer/upstream/undici-transport.ts';
import { createRegistryAllowList } from '../importer/upstream/registry-allow-list.ts';
import { serverPlatform } from '../importer/importer.ts';
import { RepositoryLinks } from '../streams/repository-links.ts';
import { ImageStreams } from '../streams/image-streams.ts';
import { StreamImports, namespaceKeyring, type ImportServices } from '../streams/stream-imports.ts';
import { ApiFace } from '../api/api-face.ts';
import { OAuthFace } from '../api/oauth.ts';
import { builtInDefinitions, createCatalogue } from '../api/resources/catalogue.ts';
import { storedStreams } from '../api/stored-streams.ts';
import { workloadRefresh } from '../api/workload-refresh.ts';
import { RegistryFace } from '../registry/registry-face.ts';
import { RegistryAccess } from '../registry/registry-access.ts';
import { ManifestCache } from '../registry/manifest-cache.ts';
import { ManifestFastPath } from '../registry/manifest-fast-path.ts';
import { PullThrough } from '../registry/pull-through.ts';
import { expireUploadsPeriodically } from '../registry/upload-expiry.ts';
import { ImportController } from '../controllers/image-import/import-controller.ts';
import { ImportScheduler } from '../controllers/image-import/import-scheduler.ts';
import { TriggerController } from '../controllers/image-triggers/trigger-controller.ts';
import { ControllerManager, storeCompaction } from '../controllers/manager.ts';

export interface ComposedServer {
  readonly handle: (request: Request, requestId: string) => Promise<Response>;
  /** Cached registry manifest answers, taken before a web Request is built. */
  readonly fastPath: FastPath;
  readonly store: ResourceStore;
  readonly tokens: TokenService;
  readonly close: () => Promise<void>;
}

/** The Kubernetes minor version this API speaks like; kubectl 1.27-1.33 all work against it. */
const kubernetesVersion = '1.33';

/** How the server's own parts act on the API: as their own service account, past admission's permission checks. */
const systemContext = (user: string, signal: AbortSignal) => (namespace?: string): RequestContext => ({ user: { name: user, groups: ['system:serviceaccounts', 'system:authenticated'] }, namespace, signal, requestId: user, can: async () => true });

export async function composeServer(config: ServerConfig, deps: { logger: Logger; clock: Clock; store?: ResourceStore; blobs?: BlobStore }): Promise<ComposedServer> {
  const { logger, clock } = deps;
  const lifetime = new AbortController();
  const blobs = deps.blobs ?? (await openBlobs(config, clock));
  const store = deps.store ?? openStore(config);
  const publicHost = config.publicHost ?? `${config.listenHost.includes(':') ? `[${config.listenHost}]` : config.listenHost}:${config.listenPort}`;
  const metrics = new MetricsRegistry();
  const counter = (name: string, help: string) => metrics.counter(name, help);

  // Caches emptied by store watches, so every replica answers alike.
  const tokenCache = new WatchedCache<{ user: UserInfo; expiresAt?: number } | null>(store, ['oauth.openshift.io/', 'user.openshift.io/users/', 'user.openshift.io/groups/', 'core/serviceaccounts/']);
  const decisionCache = new WatchedCache<boolean>(store, ['rbac.authorization.k8s.io/']);
  const linkCache = new WatchedCache<Record<string, unknown> | null>(store, ['registry.imagestream.io/']);
  const tagCache = new WatchedCache<{ exists: boolean; digest?: string }>(store, ['image.openshift.io/imagestreams/']);
  for (const cache of [tokenCache, decisionCache, linkCache, tagCache]) cache.start(lifetime.signal, logger);

  const tokens = new TokenService({ store, clock });
  const authenticator = new Authenticator({ tokens, store, clock, cache: tokenCache });
  const authorizer = new RbacAuthorizer({ store, decisions: decisionCache });

  // Other registries are reached only as --allowed-registries and --allow-private-registries say;
  // this server's own registry is always allowed, as OpenShift's is.
  const transport = createUndiciTransport({ extraCaFile: config.extraCa, addresses: { allowPrivate: config.allowPrivateRegistries, alwaysAllowed: [publicHost] } });
  const allowList = createRegistryAllowList(config.allowedRegistries, [publicHost]);
  const registryClient = (keyring: CredentialKeyring) => new RegistryClient({ transport, keyring, allowList });
  const importServices: ImportServices = {
    createRegistryClient: registryClient,
    platform: serverPlatform(),
    maxImagesBulkImported: config.maxImagesBulkImported,
    selfRegistry: {
      host: publicHost,
      mayPull: (namespace, sourceNamespace, name) => authorizer.authorize(serviceAccountUser(namespace, 'default'), { kind: 'resource', verb: 'get', apiGroup: 'image.openshift.io', resource: 'imagestreams', subresource: 'layers', name, namespace: sourceNamespace }),
      pullToken: async (namespace) => {
        const token = await tokens.issue({ kind: 'serviceaccount', namespace, name: 'default' }, 600);
        return { token, release: () => tokens.revoke(token) };
      },
    },
  };

  const catalogue = createCatalogue(builtInDefinitions(() => publicHost), {
    store,
    clock,
    services: {
      ...importServices,
      namespacedData: (namespace) => RepositoryLinks.namespacePrefixes(namespace),
      issueServiceAccountToken: async (namespace, name, ttlSeconds) => ({ token: await tokens.issue({ kind: 'serviceaccount', namespace, name }, ttlSeconds), expiresAt: new Date(clock.now().getTime() + ttlSeconds * 1000) }),
    },
  });
  const api = new ApiFace({ catalogue, authenticator, authorizer, clock, logger, maxBodyBytes: config.maxBodyBytes, kubernetesVersion });
  const oauth = new OAuthFace({ tokens, store, clock, logger, tokenTtlSeconds: config.tokenTtlSeconds, passwords: config.htpasswd ? new HtpasswdFile(config.htpasswd) : undefined });

  const links = new RepositoryLinks(store, linkCache);
  const registryDeps = {
    blobs,
    store,
    links,
    streams: new ImageStreams({ store: storedStreams(catalogue, systemContext('system:serviceaccount:openshift-image-registry:registry', lifetime.signal)()), clock }),
    pullThrough: new PullThrough({ blobs, links, logger, clientFor: async (namespace) => registryClient(await namespaceKeyring(store, namespace)) }),
    tags: tagCache,
    cacheStamp: () => {
      const versions = [tokenCache.version, decisionCache.version, linkCache.version, tagCache.version];
      return versions.includes(-1) ? undefined : versions.join(':');
    },
    manifests: new ManifestCache(64 * 1024 * 1024),
    access: new RegistryAccess({ authenticator, authorizer }),
    clock,
    logger,
    publicHost: () => publicHost,
  };
  const registry = new RegistryFace(registryDeps);
  // On every replica, not only the leader: an fs blob store belongs to its replica alone.
  expireUploadsPeriodically({ blobs, links, clock, logger, metrics: { sessions: counter('ims_upload_sessions_expired_total', 'Upload sessions ended for having no byte within --upload-expiry.'), bytes: counter('ims_upload_bytes_expired_total', 'Bytes of upload sessions ended for having no byte within --upload-expiry.') } }, config.uploadExpiryMs, lifetime.signal);

  const importer = systemContext('system:serviceaccount:openshift-infra:image-import-controller', lifetime.signal)();
  const imports = new StreamImports({ streams: storedStreams(catalogue, importer), store, clock, services: importServices });
  const importTags = async (namespace: string, name: string, tags: Parameters<StreamImports['importTags']>[2], signal: AbortSignal, repository?: string) => void (await imports.importTags(namespace, name, tags, signal, repository));
  const importerStreams = new ImageStreams({ store: storedStreams(catalogue, importer), clock });
  const refresh = workloadRefresh(catalogue, systemContext('system:serviceaccount:openshift-infra:image-trigger-controller', lifetime.signal));
  const controllers = new ControllerManager({
    election: openElection(config, logger),
    logger,
    controllers: [
      new ImportController({ store, logger, importTags }),
      new ImportScheduler({
        store,
        logger,
        intervalMs: config.importIntervalMs,
        maxPerMinute: config.maxScheduledImportsPerMinute,
        changedTags: (stream, tags, signal) => imports.changedUpstreamTags(stream, tags.map((t) => ({ name: t.name, from: t.from!.name, insecure: Boolean(t.importPolicy?.insecure) })), signal),
        importTags,
        noteRetry: async (namespace, name, tags, delayMs) => void (await importerStreams.noteRetry(namespace, name, tags, delayMs)),
        metrics: { checks: counter('ims_scheduled_import_checks_total', 'Visits of streams with scheduled tags.'), imports: counter('ims_scheduled_imports_total', 'Imports started by the scheduler, by result.'), duration: metrics.histogram('ims_scheduled_import_duration_seconds', 'Time a scheduled visit took.') },
      }),
      new TriggerController({ store, logger, kinds: refresh.kinds, refresh: (kind, key) => refresh.refresh(kind, key), metrics: { updates: counter('ims_image_trigger_updates_total', 'Workloads updated because a tag they follow changed, by kind.'), latency: metrics.histogram('ims_image_trigger_latency_seconds', 'Time from a stream change to the updated workload, by kind.') } }),
    ],
    periodic: [
      // Expired tokens are useless; sweep them so the store does not grow with every login.
      { name: 'the token sweep', intervalMs: 10 * 60_000, run: () => tokens.sweepExpired().then(() => undefined) },
      // etcd keeps every revision until told otherwise; keep five minutes of history for watches, as Kubernetes does.
      ...(config.store === 'etcd' ? [storeCompaction(store)] : []),
    ],
  });
  controllers.start(lifetime.signal);

  const backup = backupFace({ authenticator, authorizer, logger, backup: storeBackup(config, store), workDir: join(config.dataDir, 'backup-tmp'), blobsDir: blobContentDir(config), backups: counter('ims_backups_total', "Snapshots of the store taken for 'ims adm backup', by result.") });
  const router = createFaceRouter({ faces: [healthFace({ store, logger, publicHost }), metricsFace({ authenticator, authorizer, metrics }), backup, { name: 'registry', serves: (p) => registry.serves(p), handle: (r, id) => registry.handle(r, id) }, { name: 'oauth', serves: (p) => oauth.serves(p), handle: (r, id) => oauth.handle(r, id) }, { name: 'api', serves: (p) => api.serves(p), handle: (r, id) => api.handle(r, id) }], metrics, logger });
  const fastPath = new ManifestFastPath({ ...registryDeps, observe: (method, status, seconds) => router.observe('registry', method, status, seconds) });
  return {
    handle: (request, requestId) => router.handle(request, requestId),
    fastPath: (method, pathAndQuery, authorization, requestId) => fastPath.answer(method, pathAndQuery, authorization, requestId),
    store,
    tokens,
    close: async () => {
      lifetime.abort();
      await transport.close();
      await store.close();
    },
  };
}
