// How the server reaches other registries, for imports and pull-through alike: one transport
// held to --allowed-registries, --allow-private-registries and the upstream deadlines (this
// server's own registry is always allowed, as OpenShift's is), and imports from this server's own
// registry made as the importing namespace's service accounts.
import type { ServerConfig } from './config.ts';
import type { Authorizer } from '../auth/rbac/authorizer.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { CredentialKeyring } from '../importer/upstream/credentials.ts';
import type { ImportServices } from '../streams/stream-imports.ts';
import { RegistryClient } from '../importer/upstream/registry-client.ts';
import { createUndiciTransport } from '../importer/upstream/undici-transport.ts';
import { createRegistryAllowList } from '../importer/upstream/registry-allow-list.ts';
import { serverPlatform } from '../importer/importer.ts';
import { serviceAccountUser } from '../auth/user.ts';

export interface UpstreamAccess {
  readonly registryClient: (keyring: CredentialKeyring) => RegistryClient;
  readonly importServices: ImportServices;
  close(): Promise<void>;
}

export function createUpstreamAccess(
  config: ServerConfig,
  publicHost: string,
  deps: { readonly authorizer: Authorizer; readonly tokens: TokenService },
): UpstreamAccess {
  const transport = createUndiciTransport({
    extraCaFile: config.extraCa,
    connectTimeoutMs: config.upstreamConnectTimeoutMs,
    requestTimeoutMs: config.upstreamResponseTimeoutMs,
    addresses: { allowPrivate: config.allowPrivateRegistries, alwaysAllowed: [publicHost] },
  });
  const allowList = createRegistryAllowList(config.allowedRegistries, [publicHost]);
  const registryClient = (keyring: CredentialKeyring) =>
    new RegistryClient({ transport, keyring, allowList, deadlineMs: 4 * config.upstreamResponseTimeoutMs });
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
  return { registryClient, importServices, close: () => transport.close() };
}
