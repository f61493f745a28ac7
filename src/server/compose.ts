// The composition root, as a wiring diagram: backends from the table, then auth, the streams layer,
// the faces, the controllers and the router. Behaviour lives in the modules it wires, not here.
import type { ResourceStore } from '../store/resource-store.ts';
import type { BlobStore } from '../blobs/blob-store.ts';
import type { ServerConfig } from './config.ts';
import type { Logger } from '../lib/logger.ts';
import type { Clock } from '../lib/clock.ts';
import type { FastPath } from './http.ts';
import type { RequestContext } from '../api/rest-storage.ts';
import type { Face } from './face-router.ts';
import { openBlobs, openStore } from './backends.ts';
import { startWatchedCaches } from './watched-caches.ts';
import { createUpstreamAccess } from './upstream-access.ts';
import { imageControllers } from './image-controllers.ts';
import { webhookReceivers } from './webhook-receivers.ts';
import { join } from 'node:path';
import { blobContentDir, storeBackup } from './backends.ts';
import { createFaceRouter } from './face-router.ts';
import { healthFace } from './health-face.ts';
import { homeFace } from './home-face.ts';
import { namingUsers } from './access-log.ts';
import { metricsFace } from './metrics-face.ts';
import { backupFace } from './backup-face.ts';
import { MetricsRegistry } from '../lib/metrics.ts';
import { TokenService } from '../auth/tokens.ts';
import { Authenticator } from '../auth/authenticator.ts';
import { RbacAuthorizer, anyAuthorizer } from '../auth/rbac/authorizer.ts';
import { chainAuthenticators, exceptLocalUsers } from '../auth/authenticator-chain.ts';
import { delegatedAuth } from '../cluster/delegated-auth.ts';
import { RequestHeaderAuthenticator } from '../cluster/request-header-authenticator.ts';
import { verifiedClientOf } from '../lib/verified-client.ts';
import { HtpasswdFile } from '../auth/htpasswd.ts';
import { RepositoryLinks } from '../streams/repository-links.ts';
import { ImageStreams } from '../streams/image-streams.ts';
import { namespaceKeyring } from '../streams/stream-imports.ts';
import { ApiFace } from '../api/api-face.ts';
import { OAuthFace } from '../api/oauth.ts';
import { builtInDefinitions, createCatalogue } from '../api/resources/catalogue.ts';
import { storedStreams } from '../api/stored-streams.ts';
import { RegistryFace } from '../registry/registry-face.ts';
import { RegistryAccess } from '../registry/registry-access.ts';
import { ManifestCache } from '../registry/manifest-cache.ts';
import { ManifestFastPath } from '../registry/manifest-fast-path.ts';
import { PullThrough } from '../registry/pull-through.ts';
import { expireUploadsPeriodically } from '../registry/upload-expiry.ts';
import { withClusterWorkloads } from '../cluster/cluster-workload-storage.ts';
import { clusterWorkloads } from '../cluster/cluster-workload-source.ts';
import { PullSecretController } from '../cluster/pull-secrets.ts';
import { WebhookKey } from '../cluster/webhook-key.ts';
import { admissionFace } from '../cluster/admission-face.ts';
import { pullersMayFollow } from '../api/admission/cross-namespace-triggers.ts';
import { ConnectedNamespaces } from '../cluster/connected-namespaces.ts';

export interface ComposedServer {
  readonly handle: (request: Request, requestId: string) => Promise<Response>;
  /** Cached registry manifest answers, taken before a web Request is built. */
  readonly fastPath: FastPath;
  readonly store: ResourceStore;
  readonly tokens: TokenService;
  /** The host:port pull specs name (--public-host, or the listen address). */
  readonly publicHost: string;
  /** A request path as logs may show it, without the secrets some paths carry. */
  readonly loggedPath: (pathname: string) => string;
  /** Stops the controllers and gives up their leadership, so another replica leads at once. */
  readonly handOver: () => Promise<void>;
  /** Aborts the work no request waits on (webhook-hinted imports) at once, as a stop begins. */
  readonly interrupt: () => void;
  readonly close: () => Promise<void>;
}

/** The Kubernetes minor version this API speaks like; kubectl 1.27-1.33 all work against it. */
const kubernetesVersion = '1.33';

/** How the server's own parts act on the API: as their own service account, past admission's permission checks. */
const systemContext =
  (user: string, signal: AbortSignal) =>
  (namespace?: string): RequestContext => ({
    user: { name: user, groups: ['system:serviceaccounts', 'system:authenticated'] },
    namespace,
    signal,
    requestId: user,
    can: async () => true,
  });

export async function composeServer(
  config: ServerConfig,
  deps: { logger: Logger; clock: Clock; store?: ResourceStore; blobs?: BlobStore; onAuthenticated?: (userName: string) => void },
): Promise<ComposedServer> {
  const { logger, clock } = deps;
  const lifetime = new AbortController();
  const interrupted = new AbortController();
  const actingAs = (user: string) => systemContext(user, lifetime.signal);
  const blobs = deps.blobs ?? (await openBlobs(config, clock, logger));
  const store = deps.store ?? openStore(config);
  const publicHost = config.publicHost ?? `${config.listenHost.includes(':') ? `[${config.listenHost}]` : config.listenHost}:${config.listenPort}`;
  const metrics = new MetricsRegistry();
  const caches = startWatchedCaches(store, lifetime.signal, logger);

  const tokens = new TokenService({ store, clock });
  const ownTokens = new Authenticator({ tokens, store, clock, cache: caches.tokens });
  const rbac = new RbacAuthorizer({ store, decisions: caches.decisions });
  // With a cluster, its tokens and RBAC count too, after this server's own (which never leave it).
  const delegated = config.cluster
    ? await delegatedAuth(config.cluster, config.delegatedCache, {
        clock,
        logger,
        reviewsSent: metrics.counter(
          'ims_cluster_reviews_total',
          'TokenReviews and SubjectAccessReviews sent to the connected cluster (not those answered from the cache), by result.',
        ),
      })
    : undefined;
  const passwords = config.htpasswd ? new HtpasswdFile(config.htpasswd) : undefined;
  const clusterTokens = delegated && passwords ? exceptLocalUsers(delegated.authenticator, (name) => passwords.has(name)) : delegated?.authenticator;
  // Whoever answers, the access log names the user.
  const authenticator = namingUsers(clusterTokens ? chainAuthenticators([ownTokens, clusterTokens]) : ownTokens, deps.onAuthenticated);
  const authorizer = delegated ? anyAuthorizer([rbac, delegated.authorizer]) : rbac;
  const frontProxy = config.requestHeader ? new RequestHeaderAuthenticator(config.requestHeader, verifiedClientOf) : undefined;
  // Which other projects' streams a namespace's workloads may follow, for admission and the trigger controller alike.
  const mayFollow = pullersMayFollow(authorizer);
  const upstream = createUpstreamAccess(config, publicHost, { authorizer, tokens, metrics });

  // With a cluster connected, its workloads replace the stored ones (README, "A real cluster").
  // The official client is loaded only when a cluster is connected: it is a large module tree.
  const cluster = config.cluster
    ? (await import('../cluster/cluster-connection.ts')).connectCluster(await (await import('../cluster/kube-config.ts')).loadKubeConfig(config.cluster))
    : undefined;
  const connected = new ConnectedNamespaces();
  if (cluster) connected.follow(cluster, logger, lifetime.signal);
  const definitions = builtInDefinitions(() => publicHost);
  const catalogue = createCatalogue(cluster ? withClusterWorkloads(definitions, cluster, connected) : definitions, {
    store,
    clock,
    services: {
      ...upstream.importServices,
      namespacedData: (namespace) => RepositoryLinks.namespacePrefixes(namespace),
      mayFollow,
      reviews: {
        authenticateToken: (token) => ownTokens.userForToken(token),
        authorize: (user, request) => authorizer.authorize(user, request),
        // The cluster's RBAC lists no rules here, so for the users it vouched for the list is incomplete.
        rulesFor: async (user, namespace) => ({
          rules: await rbac.rulesFor(user, namespace),
          incomplete: delegated !== undefined && user.vouchedBy !== undefined,
        }),
      },
      issueServiceAccountToken: async (namespace, name, ttlSeconds) => ({
        token: await tokens.issue({ kind: 'serviceaccount', namespace, name }, ttlSeconds),
        expiresAt: new Date(clock.now().getTime() + ttlSeconds * 1000),
      }),
    },
  });
  const api = new ApiFace({ catalogue, authenticator, frontProxy, authorizer, clock, logger, maxBodyBytes: config.maxBodyBytes, kubernetesVersion });
  const oauth = new OAuthFace({
    tokens,
    store,
    clock,
    logger,
    tokenTtlSeconds: config.tokenTtlSeconds,
    onAuthenticated: deps.onAuthenticated,
    passwords,
  });

  const links = new RepositoryLinks(store, caches.links);
  const registryDeps = {
    blobs,
    store,
    links,
    streams: new ImageStreams({ store: storedStreams(catalogue, actingAs('system:serviceaccount:openshift-image-registry:registry')()), clock }),
    pullThrough: new PullThrough({
      blobs,
      links,
      logger,
      clientFor: async (namespace: string) => upstream.registryClient(await namespaceKeyring(store, namespace)),
    }),
    tags: caches.tags,
    cacheStamp: caches.stamp,
    manifests: new ManifestCache(64 * 1024 * 1024),
    access: new RegistryAccess({ authenticator, authorizer }),
    clock,
    logger,
    publicHost: () => publicHost,
  };
  const registry = new RegistryFace(registryDeps);
  // On every replica, not only the leader: an fs blob store belongs to its replica alone.
  const expired = {
    sessions: metrics.counter('ims_upload_sessions_expired_total', 'Upload sessions ended for having no byte within --upload-expiry.'),
    bytes: metrics.counter('ims_upload_bytes_expired_total', 'Bytes of upload sessions ended for having no byte within --upload-expiry.'),
  };
  expireUploadsPeriodically({ blobs, links, clock, logger, metrics: expired }, config.uploadExpiryMs, lifetime.signal);

  const controllers = new AbortController();
  const controllersStopped = imageControllers({
    config,
    store,
    catalogue,
    importServices: upstream.importServices,
    budgets: upstream.budgets,
    tokens,
    metrics,
    clock,
    logger,
    actingAs,
    clusterWorkloads: cluster ? clusterWorkloads({ cluster, store, logger, mayFollow, namespaces: connected }) : undefined,
    moreControllers:
      cluster && config.cluster?.pullSecrets
        ? [new PullSecretController({ cluster, store, tokens, clock, logger, namespaces: connected, registryHost: publicHost })]
        : [],
  })
    .start(AbortSignal.any([lifetime.signal, controllers.signal]))
    .catch((error: unknown) => logger.warn('the controllers stopped with an error', { error }));
  const handOver = () => {
    controllers.abort();
    return controllersStopped;
  };
  const admission = admissionFace({
    store,
    mayFollow,
    // Without a cluster connection the webhook configuration's namespace selector is the only gate.
    namespaces: cluster ? connected : undefined,
    key: new WebhookKey(store),
    authenticator,
    authorizer,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    tlsCert: config.tlsCert,
    defaultUrl: config.listenTls ? `https://${hostPort(config.listenTls)}` : config.tlsCert ? `https://${publicHost}` : undefined,
  });

  const backup = backupFace({
    authenticator,
    authorizer,
    logger,
    backup: storeBackup(config, store),
    workDir: join(config.dataDir, 'backup-tmp'),
    blobsDir: blobContentDir(config),
    backups: metrics.counter('ims_backups_total', "Snapshots of the store taken for 'ims adm backup', by result."),
  });
  const faces: Face[] = [
    healthFace({ store, logger, publicHost }),
    homeFace({ publicHost }),
    metricsFace({ authenticator, authorizer, metrics }),
    backup,
    admission,
    named('registry', registry),
    named('oauth', oauth),
    // Before the API: receiver URLs lie under the API's paths, and are proven by their secret, not a token.
    webhookReceivers({
      store,
      catalogue,
      importServices: upstream.importServices,
      metrics,
      clock,
      logger,
      actingAs,
      coalesceMs: config.webhookCoalesceMs,
      signal: AbortSignal.any([lifetime.signal, interrupted.signal]),
    }),
    named('api', api),
  ];
  const router = createFaceRouter({ faces, metrics, logger });
  const fastPath = new ManifestFastPath({ ...registryDeps, observe: (method, status, seconds) => router.observe('registry', method, status, seconds) });
  return {
    handle: (request, requestId) => router.handle(request, requestId),
    loggedPath: (pathname) => router.loggedPath(pathname),
    fastPath: (method, pathAndQuery, authorization, requestId) => fastPath.answer(method, pathAndQuery, authorization, requestId),
    store,
    tokens,
    publicHost,
    handOver,
    interrupt: () => interrupted.abort(),
    close: async () => {
      await handOver();
      lifetime.abort();
      await upstream.close();
      await store.close();
    },
  };
}

function hostPort(address: { host: string; port: number }): string {
  return `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}

/** A face object under the name the router logs and counts it by. */
function named(name: string, face: Pick<Face, 'serves' | 'handle'>): Face {
  return { name, serves: (pathname) => face.serves(pathname), handle: (request, requestId) => face.handle(request, requestId) };
}
