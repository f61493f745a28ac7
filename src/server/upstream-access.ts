// How the server reaches other registries, for imports and pull-through alike: one transport
// held to --allowed-registries, --allow-private-registries and the upstream deadlines (this
// server's own registry is always allowed, as OpenShift's is), one rate-limit budget per registry
// host, and imports from this server's own registry made as the importing namespace's service accounts.
import type { ServerConfig } from './config.ts';
import type { Authorizer } from '../auth/rbac/authorizer.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { CredentialKeyring } from '../importer/upstream/credentials.ts';
import type { ImportServices } from '../streams/stream-imports.ts';
import type { MetricsRegistry } from '../lib/metrics.ts';
import { RegistryClient } from '../importer/upstream/registry-client.ts';
import { createUndiciTransport } from '../importer/upstream/undici-transport.ts';
import { createRegistryAllowList } from '../importer/upstream/registry-allow-list.ts';
import { RegistryBudgets } from '../importer/upstream/registry-budgets.ts';
import { serverPlatform } from '../importer/importer.ts';
import { serviceAccountUser } from '../auth/user.ts';

export interface UpstreamAccess {
  readonly registryClient: (keyring: CredentialKeyring) => RegistryClient;
  readonly importServices: ImportServices;
  /** Every registry's rate limit as its answers said, shared by all imports and pull-through. */
  readonly budgets: RegistryBudgets;
  close(): Promise<void>;
}

export function createUpstreamAccess(
  config: ServerConfig,
  publicHost: string,
  deps: { readonly authorizer: Authorizer; readonly tokens: TokenService; readonly metrics?: MetricsRegistry },
): UpstreamAccess {
  const budgets = new RegistryBudgets({
    requests: deps.metrics?.counter('ims_upstream_requests_total', 'Requests to other registries, by registry host, method and status code (none: no answer).'),
  });
  const budgetSeries = (field: 'limit' | 'remaining') => () =>
    budgets.snapshot().flatMap((b) => (b[field] === undefined ? [] : [{ labels: { registry: b.registry }, value: b[field] }]));
  deps.metrics?.gauge('ims_upstream_rate_limit', "A registry's rate limit as it last said (ratelimit-limit).", budgetSeries('limit'));
  deps.metrics?.gauge(
    'ims_upstream_rate_limit_remaining',
    "What is left of a registry's rate limit as it last said (ratelimit-remaining).",
    budgetSeries('remaining'),
  );
  const transport = createUndiciTransport({
    extraCaFile: config.extraCa,
    connectTimeoutMs: config.upstreamConnectTimeoutMs,
    requestTimeoutMs: config.upstreamResponseTimeoutMs,
    addresses: { allowPrivate: config.allowPrivateRegistries, alwaysAllowed: [publicHost] },
  });
  const allowList = createRegistryAllowList(config.allowedRegistries, [publicHost]);
  const registryClient = (keyring: CredentialKeyring) =>
    new RegistryClient({ transport, keyring, allowList, budgets, deadlineMs: 4 * config.upstreamResponseTimeoutMs });
  const importServices: ImportServices = {
    createRegistryClient: registryClient,
    platform: serverPlatform(),
    maxImagesBulkImported: config.maxImagesBulkImported,
    selfRegistry: {
      host: publicHost,
      mayPull: (namespace, sourceNamespace, name) =>
        deps.authorizer.authorize(serviceAccountUser(namespace, 'default'), {
          kind: 'resource',
          verb: 'get',
          apiGroup: 'image.openshift.io',
          resource: 'imagestreams',
          subresource: 'layers',
          name,
          namespace: sourceNamespace,
        }),
      pullToken: async (namespace) => {
        const token = await deps.tokens.issue({ kind: 'serviceaccount', namespace, name: 'default' }, 600);
        return { token, release: () => deps.tokens.revoke(token) };
      },
    },
  };
  return { registryClient, importServices, budgets, close: () => transport.close() };
}
