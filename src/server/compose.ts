// The composition root: the only file that picks concrete backends, wires the faces together and
// routes a request to the face that serves its path.
import { join } from 'node:path';
import type { ResourceStore } from '../store/resource-store.ts';
import type { ServerConfig } from './config.ts';
import type { Logger } from '../lib/logger.ts';
import type { Clock } from '../lib/clock.ts';
import { SqliteResourceStore } from '../store/sqlite/sqlite-resource-store.ts';
import { MemoryResourceStore } from '../store/memory/memory-resource-store.ts';
import { TokenService } from '../auth/tokens.ts';
import { Authenticator } from '../auth/authenticator.ts';
import { RbacAuthorizer } from '../auth/rbac/authorizer.ts';
import { HtpasswdFile } from '../auth/htpasswd.ts';
import { ApiFace } from '../api/api-face.ts';
import { OAuthFace } from '../api/oauth.ts';
import { builtInDefinitions, createCatalogue } from '../api/resources/catalogue.ts';
import { MetricsRegistry } from '../lib/metrics.ts';
import { statusResponse } from '../api/http-responses.ts';
import type { FastPath } from './http.ts';
import type { BlobStore } from '../blobs/blob-store.ts';
import { FsBlobStore } from '../blobs/fs/fs-blob-store.ts';
import { MemoryBlobStore } from '../blobs/memory/memory-blob-store.ts';
import { RegistryFace } from '../registry/registry-face.ts';
import { RegistryAccess } from '../registry/registry-access.ts';
import { RepositoryLinks } from '../streams/repository-links.ts';
import { ImageStreams } from '../streams/image-streams.ts';
import { storedStreams } from '../api/stored-streams.ts';
import { expireUploadsPeriodically } from '../registry/upload-expiry.ts';
import { ManifestCache } from '../registry/manifest-cache.ts';
import { WatchedCache } from '../store/watched-cache.ts';
import { RegistryClient } from '../importer/upstream/registry-client.ts';
import { createUndiciTransport } from '../importer/upstream/undici-transport.ts';
import { createRegistryAllowList } from '../importer/upstream/registry-allow-list.ts';
import type { CredentialKeyring } from '../importer/upstream/credentials.ts';
import { serverPlatform } from '../importer/importer.ts';
import { ImportController } from '../controllers/image-import/import-controller.ts';
import { ImportScheduler } from '../controllers/image-import/import-scheduler.ts';
import { LocalLeaderElection } from '../controllers/runtime/leader-election.ts';
import { EtcdLeaderElection } from '../controllers/runtime/etcd-leader-election.ts';
import { EtcdResourceStore } from '../store/etcd/etcd-resource-store.ts';
import { hostname } from 'node:os';
import { StreamImports, namespaceKeyring } from '../streams/stream-imports.ts';
import type { TagReference } from '../image/image-stream.ts';
import { PullThrough } from '../registry/pull-through.ts';
import type { ApiServices } from '../api/resource-definition.ts';
import { TriggerController } from '../controllers/image-triggers/trigger-controller.ts';
import { podSpecPaths } from '../image/pod-spec.ts';
import { resourcePrefix } from '../kube/object.ts';
import { AppError, isAppError } from '../errors.ts';
import type { UserInfo } from '../auth/user.ts';
import { serviceAccountUser } from '../auth/user.ts';

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

export function openStore(config: Pick<ServerConfig, 'store' | 'dataDir' | 'etcdEndpoints'>): ResourceStore {
  if (config.store === 'memory') return new MemoryResourceStore();
  if (config.store === 'etcd') return new EtcdResourceStore({ endpoints: config.etcdEndpoints });
  return new SqliteResourceStore(join(config.dataDir, 'store.db'));
}

export async function openBlobs(config: Pick<ServerConfig, 'store' | 'blobs' | 'dataDir'>, clock: Clock): Promise<BlobStore> {
  if (config.blobs === 's3') throw new AppError('Unavailable', '--blobs s3 is not available in this version yet; use --blobs fs');
  if (config.store === 'memory') return new MemoryBlobStore({ clock });
  return new FsBlobStore(join(config.dataDir, 'blobs'), { clock }).init();
}

export async function composeServer(config: ServerConfig, deps: { logger: Logger; clock: Clock; store?: ResourceStore; blobs?: BlobStore }): Promise<ComposedServer> {
  const { logger, clock } = deps;
  const blobs = deps.blobs ?? (await openBlobs(config, clock));
  const publicHost = config.publicHost ?? `${config.listenHost.includes(':') ? `[${config.listenHost}]` : config.listenHost}:${config.listenPort}`;
  const store = deps.store ?? openStore(config);
  const lifetime = new AbortController();
  const metrics = new MetricsRegistry();
  // Imports and pull-through reach other registries only as --allowed-registries and
  // --allow-private-registries say; this server's own registry is always allowed, as OpenShift's is.
  const transport = createUndiciTransport({ extraCaFile: config.extraCa, addresses: { allowPrivate: config.allowPrivateRegistries, alwaysAllowed: [publicHost] } });
  const allowList = createRegistryAllowList(config.allowedRegistries, [publicHost]);
  const registryClient = (keyring: CredentialKeyring) => new RegistryClient({ transport, keyring, allowList });
  const tokens = new TokenService({ store, clock });
  const tokenCache = new WatchedCache<{ user: UserInfo; expiresAt?: number } | null>(store, ['oauth.openshift.io/', 'user.openshift.io/users/', 'user.openshift.io/groups/', 'core/serviceaccounts/']);
  const decisionCache = new WatchedCache<boolean>(store, ['rbac.authorization.k8s.io/']);
  const linkCache = new WatchedCache<Record<string, unknown> | null>(store, ['registry.imagestream.io/']);
  const tagCache = new WatchedCache<{ exists: boolean; digest?: string }>(store, ['image.openshift.io/imagestreams/']);
  for (const cache of [tokenCache, decisionCache, linkCache, tagCache]) cache.start(lifetime.signal, logger);
  const authenticator = new Authenticator({ tokens, store, clock, cache: tokenCache });
  const authorizer = new RbacAuthorizer({ store, decisions: decisionCache });
  const catalogueServices: ApiServices = {
      createRegistryClient: registryClient,
      platform: serverPlatform(),
      maxImagesBulkImported: config.maxImagesBulkImported,
      namespacedData: (namespace) => RepositoryLinks.namespacePrefixes(namespace),
      selfRegistry: {
        host: publicHost,
        mayPull: (namespace, sourceNamespace, sourceName) =>
          authorizer.authorize(serviceAccountUser(namespace, 'default'), { kind: 'resource', verb: 'get', apiGroup: 'image.openshift.io', resource: 'imagestreams', subresource: 'layers', name: sourceName, namespace: sourceNamespace }),
        pullToken: async (namespace) => {
          const token = await tokens.issue({ kind: 'serviceaccount', namespace, name: 'default' }, 600);
          return { token, release: () => tokens.revoke(token) };
        },
      },
      issueServiceAccountToken: async (namespace, name, ttlSeconds) => ({
        token: await tokens.issue({ kind: 'serviceaccount', namespace, name }, ttlSeconds),
        expiresAt: new Date(clock.now().getTime() + ttlSeconds * 1000),
      }),
  };
  const catalogue = createCatalogue(builtInDefinitions(() => publicHost), { store, clock, services: catalogueServices });
  const api = new ApiFace({ catalogue, authenticator, authorizer, clock, logger, maxBodyBytes: config.maxBodyBytes, kubernetesVersion });
  const oauth = new OAuthFace({ tokens, store, clock, logger, tokenTtlSeconds: config.tokenTtlSeconds, passwords: config.htpasswd ? new HtpasswdFile(config.htpasswd) : undefined });

  /** How controllers act on the API: as their own service account, past admission's permission checks. */
  const controllerContext = (controller: string, namespace: string | undefined, signal: AbortSignal = lifetime.signal) => ({
    user: { name: `system:serviceaccount:openshift-infra:${controller}`, groups: ['system:serviceaccounts'] },
    namespace,
    signal,
    requestId: controller,
    can: async () => true,
  });
  const importerContext = controllerContext('image-import-controller', undefined);
  const imports = new StreamImports({ streams: storedStreams(catalogue, importerContext), store, clock, services: catalogueServices });
  const importerStreams = new ImageStreams({ store: storedStreams(catalogue, importerContext), clock });
  const importTags = async (namespace: string, name: string, tags: readonly TagReference[], signal: AbortSignal) => {
    await imports.importTags(namespace, name, tags, signal);
  };
  const importController = new ImportController({ store, logger, importTags });
  const importScheduler = new ImportScheduler({
    store,
    logger,
    intervalMs: config.importIntervalMs,
    maxPerMinute: config.maxScheduledImportsPerMinute,
    changedTags: (stream, tags, signal) => imports.changedUpstreamTags(stream, tags.map((t) => ({ name: t.name, from: t.from!.name, insecure: Boolean(t.importPolicy?.insecure) })), signal),
    importTags,
    noteRetry: async (namespace, name, tags, delayMs) => {
      await importerStreams.noteRetry(namespace, name, tags, delayMs);
    },
    metrics: {
      checks: metrics.counter('ims_scheduled_import_checks_total', 'Visits of streams with scheduled tags.'),
      imports: metrics.counter('ims_scheduled_imports_total', 'Imports started by the scheduler, by result.'),
      duration: metrics.histogram('ims_scheduled_import_duration_seconds', 'Time a scheduled visit took.'),
    },
  });


  const systemContext = (namespace: string | undefined) => controllerContext('image-trigger-controller', namespace);
  const workloadKinds = catalogue.definitions.filter((d) => podSpecPaths[d.kind] && !d.storage);
  const triggerController = new TriggerController({
    store,
    logger,
    metrics: {
      updates: metrics.counter('ims_image_trigger_updates_total', 'Workloads updated because a tag they follow changed, by kind.'),
      latency: metrics.histogram('ims_image_trigger_latency_seconds', 'Time from a stream change to the updated workload, by kind.'),
    },
    kinds: workloadKinds.map((d) => ({ kind: d.kind, prefix: resourcePrefix(d.group, d.resource) })),
    refresh: async (kind, key) => {
      const definition = workloadKinds.find((d) => d.kind === kind.kind)!;
      const [namespace, name] = key.slice(kind.prefix.length).split('/');
      const storage = catalogue.storageFor(definition);
      for (let attempt = 0; attempt < 5; attempt++) {
        const current = await storage.get!(systemContext(namespace), name);
        try {
          const written = await storage.update!(systemContext(namespace), name, current, { dryRun: false });
          return written.metadata?.resourceVersion !== current.metadata?.resourceVersion;
        } catch (error) {
          if (!isAppError(error, 'Conflict')) throw error;
        }
      }
      return false;
    },
  });
  // Controllers run on the leader only: a single process always leads; replicas sharing etcd elect one.
  const onEtcd = config.store === 'etcd';
  const election = onEtcd ? new EtcdLeaderElection({ endpoints: config.etcdEndpoints, identity: `${hostname()}:${process.pid}`, logger }) : new LocalLeaderElection();
  void election.run(lifetime.signal, (leading) => {
    // etcd keeps every revision until told otherwise; keep five minutes of history for watches, as Kubernetes does.
    if (onEtcd) compactPeriodically(store, leading, logger);
    // Expired tokens are useless; sweep them so the store does not grow with every login.
    const sweep = setInterval(() => void tokens.sweepExpired().catch((error: unknown) => logger.warn('token sweep failed', { error })), 10 * 60_000);
    sweep.unref();
    leading.addEventListener('abort', () => clearInterval(sweep), { once: true });
    importController.run(leading);
    importScheduler.run(leading);
    triggerController.run(leading);
  });

  /** The registry writes streams and Images as its own service account, for callers it checked. */
  const registryContext = { user: { name: 'system:serviceaccount:openshift-image-registry:registry', groups: ['system:serviceaccounts', 'system:authenticated'] }, signal: lifetime.signal, requestId: 'registry', can: async () => true };
  const links = new RepositoryLinks(store, linkCache);
  // On every replica, not only the leader: an fs blob store belongs to its replica alone.
  expireUploadsPeriodically({
    blobs,
    links,
    clock,
    logger,
    metrics: {
      sessions: metrics.counter('ims_upload_sessions_expired_total', 'Upload sessions ended for having no byte within --upload-expiry.'),
      bytes: metrics.counter('ims_upload_bytes_expired_total', 'Bytes of upload sessions ended for having no byte within --upload-expiry.'),
    },
  }, config.uploadExpiryMs, lifetime.signal);
  const pullThrough = new PullThrough({
    blobs,
    links,
    logger,
    clientFor: async (namespace) => registryClient(await namespaceKeyring(store, namespace)),
  });
  const registry = new RegistryFace({
    blobs,
    store,
    pullThrough,
    streams: new ImageStreams({ store: storedStreams(catalogue, registryContext), clock }),
    links,
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
  });

  const requests = metrics.counter('ims_http_requests_total', 'HTTP requests served, by face, method and status code.');
  const latency = metrics.histogram('ims_http_request_duration_seconds', 'Time to the response headers, by face and method.');

  const route = async (request: Request, requestId: string, pathname: string): Promise<{ face: string; response: Response }> => {
    if (pathname === '/healthz' || pathname === '/livez') return { face: 'health', response: new Response('ok', { headers: { 'content-type': 'text/plain' } }) };
    if (pathname === '/readyz') {
      // Not ready while the store cannot answer (etcd out of reach), so a load balancer looks elsewhere.
      const ready = await store.currentResourceVersion().then(() => true, (error: unknown) => {
        logger.warn('not ready: the store does not answer', { error });
        return false;
      });
      return { face: 'health', response: new Response(ready ? 'ok' : 'the store does not answer\n', { status: ready ? 200 : 503, headers: { 'content-type': 'text/plain' } }) };
    }
    if (pathname === '/.well-known/imagestream') {
      return { face: 'health', response: new Response(JSON.stringify({ registryHost: publicHost }), { headers: { 'content-type': 'application/json' } }) };
    }
    if (pathname === '/metrics') return { face: 'metrics', response: await metricsResponse(request) };
    if (registry.serves(pathname)) return { face: 'registry', response: await registry.handle(request, requestId) };
    if (oauth.serves(pathname)) return { face: 'oauth', response: await oauth.handle(request, requestId) };
    if (api.serves(pathname)) return { face: 'api', response: await api.handle(request, requestId) };
    return { face: 'none', response: statusResponse(new AppError('NotFound', 'the server could not find the requested resource')) };
  };

  const metricsResponse = async (request: Request): Promise<Response> => {
    const authentication = await authenticator.authenticate(request.headers.get('authorization'));
    if (authentication.kind !== 'user') return statusResponse(new AppError('Unauthorized', 'Unauthorized'));
    if (!(await authorizer.authorize(authentication.user, { kind: 'nonResource', verb: 'get', path: '/metrics' }))) {
      return statusResponse(new AppError('Forbidden', `forbidden: User "${authentication.user.name}" cannot get path "/metrics"`));
    }
    return new Response(metrics.render(), { headers: { 'content-type': 'text/plain; version=0.0.4' } });
  };

  const handle = async (request: Request, requestId: string): Promise<Response> => {
    const started = performance.now();
    const { pathname } = new URL(request.url);
    let face = 'none';
    let status = 500;
    try {
      const routed = await route(request, requestId, pathname);
      face = routed.face;
      status = routed.response.status;
      return routed.response;
    } catch (error) {
      logger.error('request failed', { requestId, error });
      return statusResponse(new AppError('Internal', 'an internal error occurred'));
    } finally {
      const seconds = (performance.now() - started) / 1000;
      requests.inc({ face, method: request.method, code: String(status) });
      latency.observe({ face, method: request.method }, seconds);
      logger.debug('request', { requestId, method: request.method, path: pathname, status, ms: Math.round(seconds * 1000) });
    }
  };

  const fastPath: FastPath = async (method, pathAndQuery, authorization, requestId) => {
    if (!pathAndQuery.startsWith('/v2/') || pathAndQuery.includes('?')) return undefined;
    const started = performance.now();
    const answer = await registry.fastManifest(pathAndQuery, authorization, requestId).catch(() => undefined);
    if (answer) {
      requests.inc({ face: 'registry', method, code: String(answer.status) });
      latency.observe({ face: 'registry', method }, (performance.now() - started) / 1000);
    }
    return answer;
  };

  return {
    handle,
    fastPath,
    store,
    tokens,
    close: async () => {
      lifetime.abort();
      await transport.close();
      await store.close();
    },
  };
}

/** Every interval, forgets the history older than the revision seen one interval ago. */
function compactPeriodically(store: ResourceStore, leading: AbortSignal, logger: Logger, intervalMs = 5 * 60_000): void {
  let previous: string | undefined;
  const tick = async () => {
    const current = await store.currentResourceVersion();
    if (previous) await store.compact(previous);
    previous = current;
  };
  const timer = setInterval(() => void tick().catch((error: unknown) => logger.warn('compacting the store failed', { error })), intervalMs);
  timer.unref();
  leading.addEventListener('abort', () => clearInterval(timer), { once: true });
}
