// `ims serve` flags into a validated configuration (DESIGN "Server"). Errors name the flag.
import { resolve } from 'node:path';
import { AppError } from '../errors.ts';
import { parseDuration } from '../lib/duration.ts';
import type { LogFormat, LogLevel } from '../lib/logger.ts';
import { isRegistryPattern } from '../importer/upstream/registry-allow-list.ts';
import type { ClusterConnection } from '../cluster/kube-config.ts';
import type { RequestHeaderOptions } from '../cluster/request-header-authenticator.ts';
import type { DelegatedCacheTtls } from '../cluster/delegated-auth.ts';
import { parseS3Flags, s3Flags, s3Help, s3Switches, type S3BlobsConfig } from './s3-flags.ts';

export interface ServerConfig {
  readonly listenHost: string;
  readonly listenPort: number;
  /** A second, HTTPS listener beside the plain one (--listen-tls); without it --tls-cert makes --listen HTTPS. */
  readonly listenTls?: { readonly host: string; readonly port: number };
  readonly dataDir: string;
  /** host:port that pull specs name; defaults to the listen address. */
  readonly publicHost?: string;
  readonly store: 'sqlite' | 'memory' | 'etcd';
  readonly etcdEndpoints: readonly string[];
  /** PEM files for TLS to etcd: the CA of the members' certificates, and this replica's client certificate and key. */
  readonly etcdTls?: { readonly ca?: string; readonly cert?: string; readonly key?: string };
  readonly blobs: 'fs' | 's3';
  /** The S3 backend's settings, with --blobs s3. */
  readonly s3?: S3BlobsConfig;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly importIntervalMs: number;
  /** Scheduled imports running at once, over all registries and per registry host. */
  readonly maxConcurrentImports: number;
  readonly maxConcurrentImportsPerRegistry: number;
  /** Deadlines for every upstream registry request: to connect, and for each answer (headers, then every body chunk). */
  readonly upstreamConnectTimeoutMs: number;
  readonly upstreamResponseTimeoutMs: number;
  readonly extraCa?: string;
  readonly htpasswd?: string;
  readonly logLevel: LogLevel;
  /** JSON lines (for collectors) or readable `key=value` text (for people reading a terminal). */
  readonly logFormat: LogFormat;
  readonly maxBodyBytes: number;
  readonly tokenTtlSeconds: number;
  /** Most tags one repository import takes; -1 for all. */
  readonly maxImagesBulkImported: number;
  /** Scheduled imports per minute at most; 0 or less for no limit. */
  readonly maxScheduledImportsPerMinute: number;
  /** How long an upload session may go without a byte before it and its bytes are deleted. */
  readonly uploadExpiryMs: number;
  /** Registries imports and pull-through may name (host or host:port globs); undefined for any. */
  readonly allowedRegistries?: readonly string[];
  /** Whether imports may connect to loopback, private, link-local and the server's own addresses. */
  readonly allowPrivateRegistries: boolean;
  /** Replace the bootstrap admin token at start (the recovery of a lost administrator). */
  readonly resetAdminToken: boolean;
  /** A Kubernetes cluster whose workloads the API, triggers, admission and pull secrets act on, and whose tokens and RBAC count too; absent: embedded mode. */
  readonly cluster?: ClusterOptions;
  /** How long the cluster's TokenReview and SubjectAccessReview answers are kept. */
  readonly delegatedCache: DelegatedCacheTtls;
  /** Front-proxy authentication (--requestheader-client-ca-file and the header names). */
  readonly requestHeader?: RequestHeaderOptions;
  /** How long webhook hints for one stream are gathered into one check (a multi-arch push notifies several times). */
  readonly webhookCoalesceMs: number;
}

export interface ClusterOptions extends ClusterConnection {
  /** Keep a registry pull secret linked to `default` in each connected namespace (--cluster-pull-secrets). */
  readonly pullSecrets: boolean;
}

export const serveHelp = `Run the Imagestream server: the Kubernetes-style API, the registry and the controllers, on one port.

Usage:
  ims serve [flags]

Examples:
  # Start on the embedded defaults (SQLite and files under ./ims-data, http://127.0.0.1:8080)
  ims serve

  # Let users log in with passwords from an htpasswd file (htpasswd -cB users.htpasswd alice)
  ims serve --htpasswd users.htpasswd

  # Serve TLS and name the host clients pull from
  ims serve --listen 0.0.0.0:8443 --tls-cert tls.crt --tls-key tls.key --public-host registry.example.com:8443

  # Plain HTTP on 8080 and HTTPS on 8443 from one server (kubectl sends tokens only over TLS)
  ims serve --listen-tls 127.0.0.1:8443 --tls-cert tls.crt --tls-key tls.key

  # Lost every admin credential? Stop the server, then start it once like this for a new admin.token
  ims serve --reset-admin-token

Flags:
      --listen HOST:PORT          address to listen on (default 127.0.0.1:8080); HTTPS with --tls-cert,
                                  unless --listen-tls is given too
      --listen-tls HOST:PORT      also serve HTTPS here, from the same server, while --listen stays plain
                                  HTTP (needs --tls-cert and --tls-key)
      --data-dir DIR              where the database, blobs and admin token live (default ./ims-data);
                                  a second server on a data dir in use refuses to start (replicas on
                                  --store etcd may share one)
      --public-host HOST:PORT     host clients use in pull specs (default: the listen address)
      --store sqlite|memory|etcd  metadata backend (default sqlite; memory forgets everything on exit)
      --etcd-endpoints URL,...    etcd members, with --store etcd (https:// for TLS)
      --etcd-ca FILE              CA certificates that sign the etcd members' certificates (default:
                                  the system's CAs, for https:// endpoints)
      --etcd-cert FILE            client certificate to present to etcd (needs --etcd-key), for a
                                  cluster started with --client-cert-auth
      --etcd-key FILE             private key of --etcd-cert
${s3Help}      --upload-expiry DURATION    delete an unfinished blob upload after this long without a byte (default 24h)
      --tls-cert FILE             serve HTTPS with this certificate (needs --tls-key)
      --tls-key FILE              private key of --tls-cert
      --import-interval DURATION  how often scheduled tags are re-imported, 1s or more (default 15m)
      --max-scheduled-imports-per-minute N
                                  most scheduled imports a minute (default 60; 0: no limit)
      --max-concurrent-imports N  scheduled imports running at once (default 8), so one slow
                                  registry never holds up the others
      --max-concurrent-imports-per-registry N
                                  of those, at most N against one registry host (default 2; one
                                  at a time, due longest ago first, while its rate limit is nearly
                                  spent: see Rate limits in the README)
      --upstream-connect-timeout DURATION
                                  give up connecting to a registry after this long (default 10s)
      --upstream-response-timeout DURATION
                                  give up on a registry that sends no answer, or no more of its body,
                                  for this long (default 30s)
      --extra-ca FILE             more CA certificates to trust for upstream registries
      --allowed-registries PATTERN,...
                                  the only registries imports and pull-through may use: host or
                                  host:port globs like quay.io,*.example.com,reg.local:5000; no port
                                  means 443 or 80 (default: any registry; this server's is always allowed)
      --allow-private-registries  let imports connect to loopback, private and link-local addresses and
                                  this server's own; off by default, so that nobody who may import can
                                  make the server reach into its own network
      --webhook-coalesce DURATION
                                  webhook notifications for one stream within this long become one
                                  check and import (default 100ms; 0ms to 10s)
      --htpasswd FILE             users and bcrypt passwords for 'ims login -u USER -p PASS'
      --access-token-max-age DURATION
                                  how long a token from 'ims login -u' works (default 24h), as
                                  OpenShift's accessTokenMaxAgeSeconds
      --reset-admin-token         recover a lost administrator: revoke every earlier bootstrap token, make
                                  'admin' a cluster-admin again and write a new <data-dir>/admin.token,
                                  then serve as usual (needs the data dir, and the server stopped)
      --max-images-bulk-imported-per-repository N
                                  most tags 'import-image --all' takes from one repository (default 50, -1: all)
      --log-level LEVEL           debug, info, warn or error (default info); info logs one line per request
      --log-format FORMAT         json (one object per line, the default) or text (time, level, message, key=value)

Connecting a Kubernetes cluster (see README, "A real cluster"):
      --kubeconfig FILE           act on this cluster: its Deployments, StatefulSets, DaemonSets,
                                  CronJobs, Jobs, ReplicaSets, ReplicationControllers and Pods replace
                                  the stored ones (the API proxies them), triggers patch them, and
                                  projects map to the namespaces of the same name that the cluster's
                                  administrators labelled imagestream.io/connected=true; and accept the
                                  cluster's bearer tokens (TokenReview) and ask its RBAC
                                  (SubjectAccessReview) about the users it vouches for, beside this
                                  server's own users and tokens (the kubeconfig's user needs the
                                  cluster's system:auth-delegator role)
      --context NAME              the kubeconfig context to use (default: its current-context)
      --in-cluster                the same, as the pod's service account, when ims runs in the cluster
      --cluster-pull-secrets=false
                                  do not keep the registry pull secret 'ims-registry-pull' linked to
                                  'default' in connected namespaces (on by default; a namespace opts
                                  out with the annotation imagestream.io/pull-secret=false)
      --authentication-token-webhook-cache-ttl DURATION
                                  keep the cluster's answer about a token this long (default 10s)
      --authorization-webhook-cache-authorized-ttl DURATION
                                  keep an access the cluster allowed this long (default 10s)
      --authorization-webhook-cache-unauthorized-ttl DURATION
                                  keep an access the cluster denied this long (default 10s)

Front-proxy authentication (running as an aggregated API server):
      --requestheader-client-ca-file FILE
                                  trust the user named in request headers when, and only when, the
                                  connection carries a TLS client certificate signed by this CA (the
                                  cluster's front-proxy CA); needs --tls-cert (also --requestheader-client-ca)
      --requestheader-allowed-names NAME,...
                                  common names the client certificate may have (default: any)
      --requestheader-username-headers HEADER,...
                                  headers naming the user (default X-Remote-User)
      --requestheader-group-headers HEADER,...
                                  headers naming its groups (default X-Remote-Group)
      --requestheader-extra-headers-prefix PREFIX,...
                                  prefixes of headers with its extra attributes (default X-Remote-Extra-)
`;

export function parseServeFlags(args: readonly string[]): ServerConfig {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new AppError('BadRequest', `unexpected argument "${arg}"; see 'ims serve --help'`);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    // A switch takes no value unless written --switch=true|false.
    const value = eq >= 0 ? arg.slice(eq + 1) : switches.has(name) ? 'true' : args[++i];
    if (!knownFlags.has(name)) throw new AppError('BadRequest', `unknown flag --${name}; see 'ims serve --help'`);
    if (value === undefined) throw new AppError('BadRequest', `flag --${name} needs a value`);
    values.set(name, value);
  }
  const listen = parseAddress('listen', values.get('listen') ?? '127.0.0.1:8080');
  const listenTls = values.has('listen-tls') ? parseAddress('listen-tls', values.get('listen-tls')!) : undefined;
  if (listenTls && !values.has('tls-cert')) throw new AppError('BadRequest', '--listen-tls needs --tls-cert and --tls-key: the certificate it serves');
  const store = values.get('store') ?? 'sqlite';
  if (!['sqlite', 'memory', 'etcd'].includes(store)) throw new AppError('BadRequest', `--store must be sqlite, memory or etcd, not "${store}"`);
  const blobs = values.get('blobs') ?? 'fs';
  if (!['fs', 's3'].includes(blobs)) throw new AppError('BadRequest', `--blobs must be fs or s3, not "${blobs}"`);
  const intervalText = values.get('import-interval') ?? '15m';
  const importIntervalMs = parseDuration(intervalText);
  if (importIntervalMs === undefined || importIntervalMs < 1000)
    throw new AppError('BadRequest', `--import-interval must be a duration of at least 1s (like 30s or 15m), not "${intervalText}"`);
  const level = values.get('log-level') ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new AppError('BadRequest', `--log-level must be debug, info, warn or error, not "${level}"`);
  const format = values.get('log-format') ?? 'json';
  if (format !== 'json' && format !== 'text') throw new AppError('BadRequest', `--log-format must be json or text, not "${format}"`);
  if (values.has('tls-cert') !== values.has('tls-key')) throw new AppError('BadRequest', '--tls-cert and --tls-key go together');
  if (store === 'etcd' && !values.get('etcd-endpoints')) throw new AppError('BadRequest', '--store etcd needs --etcd-endpoints');
  for (const endpoint of (values.get('etcd-endpoints') ?? '').split(',').filter(Boolean)) {
    if (!/^https?:\/\/[^/\s]+\/?$/.test(endpoint))
      throw new AppError('BadRequest', `--etcd-endpoints takes client URLs like http://127.0.0.1:2379, not "${endpoint}"`);
  }
  const etcdTls = parseEtcdTls(values);
  if (
    etcdTls &&
    !(values.get('etcd-endpoints') ?? '')
      .split(',')
      .filter(Boolean)
      .every((endpoint) => endpoint.startsWith('https://'))
  )
    throw new AppError('BadRequest', '--etcd-ca, --etcd-cert and --etcd-key need https:// --etcd-endpoints');
  const expiryText = values.get('upload-expiry') ?? '24h';
  const uploadExpiryMs = parseDuration(expiryText);
  if (uploadExpiryMs === undefined || uploadExpiryMs < 1000)
    throw new AppError('BadRequest', `--upload-expiry must be a duration of at least 1s (like 24h or 90m), not "${expiryText}"`);
  const s3 = blobs === 's3' ? parseS3Flags(values) : undefined;
  const strayS3Flag = s3 ? undefined : s3Flags.find((flag) => values.has(flag));
  if (strayS3Flag) throw new AppError('BadRequest', `--${strayS3Flag} goes with --blobs s3`);
  const allowedRegistries = values.has('allowed-registries')
    ? values
        .get('allowed-registries')!
        .split(',')
        .map((p) => p.trim())
    : undefined;
  const badPattern = allowedRegistries?.find((p) => !isRegistryPattern(p));
  if (badPattern !== undefined)
    throw new AppError(
      'BadRequest',
      `--allowed-registries takes host or host:port patterns like quay.io,*.example.com,registry.local:5000, not "${badPattern}"`,
    );
  if (values.has('kubeconfig') && switchValue(values, 'in-cluster')) throw new AppError('BadRequest', '--kubeconfig and --in-cluster exclude each other');
  if (values.has('context') && !values.has('kubeconfig')) throw new AppError('BadRequest', '--context needs --kubeconfig: the file whose context it names');
  const cluster: ClusterOptions | undefined =
    values.has('kubeconfig') || switchValue(values, 'in-cluster')
      ? {
          kubeconfig: values.has('kubeconfig') ? resolve(values.get('kubeconfig')!) : undefined,
          context: values.get('context'),
          pullSecrets: switchValue(values, 'cluster-pull-secrets', 'true'),
        }
      : undefined;
  const allowPrivate = switchValue(values, 'allow-private-registries');
  const resetAdminToken = switchValue(values, 'reset-admin-token');
  const cacheTtl = (flag: string) => {
    const text = values.get(flag) ?? '10s';
    const ms = parseDuration(text);
    if (ms === undefined) throw new AppError('BadRequest', `--${flag} must be a duration (like 10s, or 0s to keep nothing), not "${text}"`);
    return ms;
  };
  const requestHeader = requestHeaderOptions(values, values.has('tls-cert'));
  return {
    listenHost: listen.host,
    listenPort: listen.port,
    listenTls,
    dataDir: resolve(values.get('data-dir') ?? './ims-data'),
    publicHost: values.get('public-host'),
    store: store as ServerConfig['store'],
    etcdEndpoints: (values.get('etcd-endpoints') ?? '').split(',').filter(Boolean),
    etcdTls,
    blobs: blobs as ServerConfig['blobs'],
    s3,
    tlsCert: values.get('tls-cert'),
    tlsKey: values.get('tls-key'),
    importIntervalMs,
    extraCa: values.get('extra-ca'),
    htpasswd: values.get('htpasswd') ? resolve(values.get('htpasswd')!) : undefined,
    logLevel: level as LogLevel,
    logFormat: format,
    maxBodyBytes: 3 * 1024 * 1024,
    tokenTtlSeconds: Math.floor(atLeastOneSecond('access-token-max-age', values.get('access-token-max-age') ?? '24h') / 1000),
    maxImagesBulkImported: bulkLimit(values.get('max-images-bulk-imported-per-repository') ?? '50'),
    maxScheduledImportsPerMinute: perMinute(values.get('max-scheduled-imports-per-minute') ?? '60'),
    maxConcurrentImports: positive('max-concurrent-imports', values.get('max-concurrent-imports') ?? '8'),
    maxConcurrentImportsPerRegistry: positive('max-concurrent-imports-per-registry', values.get('max-concurrent-imports-per-registry') ?? '2'),
    upstreamConnectTimeoutMs: atLeastOneSecond('upstream-connect-timeout', values.get('upstream-connect-timeout') ?? '10s'),
    upstreamResponseTimeoutMs: atLeastOneSecond('upstream-response-timeout', values.get('upstream-response-timeout') ?? '30s'),
    uploadExpiryMs,
    allowedRegistries,
    allowPrivateRegistries: allowPrivate,
    resetAdminToken,
    cluster,
    delegatedCache: {
      authenticatedTtlMs: cacheTtl('authentication-token-webhook-cache-ttl'),
      unauthenticatedTtlMs: cacheTtl('authentication-token-webhook-cache-ttl'),
      allowedTtlMs: cacheTtl('authorization-webhook-cache-authorized-ttl'),
      deniedTtlMs: cacheTtl('authorization-webhook-cache-unauthorized-ttl'),
    },
    requestHeader,
    webhookCoalesceMs: coalesceWindow(values.get('webhook-coalesce') ?? '100ms'),
  };
}

function coalesceWindow(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms > 10_000) throw new AppError('BadRequest', `--webhook-coalesce must be a duration from 0ms to 10s (like 100ms), not "${text}"`);
  return ms;
}

function requestHeaderOptions(values: ReadonlyMap<string, string>, servesTls: boolean): RequestHeaderOptions | undefined {
  const clientCa = values.get('requestheader-client-ca-file') ?? values.get('requestheader-client-ca');
  const list = (flag: string, fallback: string[]) =>
    values.has(flag)
      ? values
          .get(flag)!
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
      : fallback;
  const headerFlags = ['requestheader-allowed-names', 'requestheader-username-headers', 'requestheader-group-headers', 'requestheader-extra-headers-prefix'];
  if (clientCa === undefined) {
    const stray = headerFlags.find((flag) => values.has(flag));
    if (stray) throw new AppError('BadRequest', `--${stray} needs --requestheader-client-ca-file: headers are trusted only from a client certificate`);
    return undefined;
  }
  if (!servesTls)
    throw new AppError(
      'BadRequest',
      '--requestheader-client-ca-file needs --tls-cert and --tls-key: the front proxy proves itself with a TLS client certificate',
    );
  const usernameHeaders = list('requestheader-username-headers', ['X-Remote-User']);
  if (usernameHeaders.length === 0) throw new AppError('BadRequest', '--requestheader-username-headers must name at least one header');
  return {
    clientCaFile: resolve(clientCa),
    allowedNames: list('requestheader-allowed-names', []),
    usernameHeaders,
    groupHeaders: list('requestheader-group-headers', ['X-Remote-Group']),
    extraHeaderPrefixes: list('requestheader-extra-headers-prefix', ['X-Remote-Extra-']),
  };
}

function parseEtcdTls(values: ReadonlyMap<string, string>): ServerConfig['etcdTls'] {
  const [ca, cert, key] = ['etcd-ca', 'etcd-cert', 'etcd-key'].map((flag) => (values.has(flag) ? resolve(values.get(flag)!) : undefined));
  if (Boolean(cert) !== Boolean(key)) throw new AppError('BadRequest', '--etcd-cert and --etcd-key go together');
  if (!ca && !cert) return undefined;
  if (values.get('store') !== 'etcd') throw new AppError('BadRequest', '--etcd-ca, --etcd-cert and --etcd-key go with --store etcd');
  return { ca, cert, key };
}

function positive(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new AppError('BadRequest', `--${flag} must be a whole number of at least 1, not "${text}"`);
  return value;
}

function atLeastOneSecond(flag: string, text: string): number {
  const value = parseDuration(text);
  if (value === undefined || value < 1000) throw new AppError('BadRequest', `--${flag} must be a duration of at least 1s (like 10s or 1m), not "${text}"`);
  return value;
}

function switchValue(values: ReadonlyMap<string, string>, name: string, otherwise = 'false'): boolean {
  const value = values.get(name) ?? otherwise;
  if (value !== 'true' && value !== 'false') throw new AppError('BadRequest', `--${name} takes no value, or true or false, not "${value}"`);
  return value === 'true';
}

function parseAddress(flag: string, text: string): { host: string; port: number } {
  const match = /^(.*):(\d+)$/.exec(text);
  if (!match || Number(match[2]) > 65535) throw new AppError('BadRequest', `--${flag} must be HOST:PORT, not "${text}"`);
  return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port: Number(match[2]) };
}

function perMinute(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value))
    throw new AppError('BadRequest', `--max-scheduled-imports-per-minute must be a whole number (0 or less: no limit), not "${text}"`);
  return value;
}

function bulkLimit(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < -1 || value === 0)
    throw new AppError('BadRequest', `--max-images-bulk-imported-per-repository must be a positive number or -1, not "${text}"`);
  return value;
}

const switches = new Set(['allow-private-registries', 'reset-admin-token', 'in-cluster', 'cluster-pull-secrets', ...s3Switches]);

const knownFlags = new Set([
  ...switches,
  'allowed-registries',
  'max-images-bulk-imported-per-repository',
  'max-scheduled-imports-per-minute',
  'webhook-coalesce',
  'listen',
  'listen-tls',
  'data-dir',
  'public-host',
  'store',
  'etcd-endpoints',
  'etcd-ca',
  'etcd-cert',
  'etcd-key',
  'blobs',
  ...s3Flags,
  'tls-cert',
  'tls-key',
  'import-interval',
  'extra-ca',
  'htpasswd',
  'log-level',
  'log-format',
  'upload-expiry',
  'max-concurrent-imports',
  'max-concurrent-imports-per-registry',
  'upstream-connect-timeout',
  'upstream-response-timeout',
  'access-token-max-age',
  'kubeconfig',
  'context',
  'authentication-token-webhook-cache-ttl',
  'authorization-webhook-cache-authorized-ttl',
  'authorization-webhook-cache-unauthorized-ttl',
  'requestheader-client-ca-file',
  'requestheader-client-ca',
  'requestheader-allowed-names',
  'requestheader-username-headers',
  'requestheader-group-headers',
  'requestheader-extra-headers-prefix',
]);
