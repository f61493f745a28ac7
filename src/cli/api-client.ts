// The CLI's HTTP client for the Imagestream server: bearer token, TLS trust from the saved session,
// server errors (Kubernetes Status) turned into CliErrors carrying the server's message, the typed
// verbs of each kind, and a named method for each other endpoint the CLI uses.
import type { IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import type { KubeObject } from '../kube/object.ts';
import type { SubresourceTypes } from '../kube/kinds.ts';
import type { User } from '../kube/kinds/tenancy.ts';
import type { Served, TypedAddress } from './resource-client.ts';
import { kinds } from '../kube/kinds.ts';
import { ResourceClient, objectPath } from './resource-client.ts';
import { CliError } from './cli-error.ts';

// The CommonJS modules themselves: an ESM import of node:http reads every export, and one of them
// loads Node's whole fetch implementation (a tenth of a CLI command's start) that ims never uses.
const { request: httpRequest } = process.getBuiltinModule('node:http');
const { request: httpsRequest } = process.getBuiltinModule('node:https');

export interface ClientOptions {
  readonly server: string;
  readonly token?: string;
  readonly certificateAuthority?: string;
  readonly insecureSkipTlsVerify?: boolean;
  /** When the token expires (ms since the epoch), to say so when the server refuses it. */
  readonly tokenExpiresAt?: number;
  /** Ends every request of the run when it is stopped (an in-process run's SIGTERM). */
  readonly signal?: AbortSignal;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly contentType?: string;
  readonly accept?: string;
  readonly headers?: Record<string, string>;
}

/** Aggregated discovery (apidiscovery.k8s.io/v2) as the resolver reads it. */
export interface DiscoveryList {
  items: {
    metadata: { name?: string };
    versions: {
      version: string;
      resources: {
        resource: string;
        responseKind: { kind: string };
        scope: string;
        singularResource: string;
        shortNames?: string[];
        verbs: string[];
        categories?: string[];
      }[];
    }[];
  }[];
}

/** An OpenAPI v3 schema as `explain` reads it. */
export interface OpenApiSchema {
  type?: string;
  description?: string;
  properties?: Record<string, OpenApiSchema>;
  items?: OpenApiSchema;
  additionalProperties?: OpenApiSchema | boolean;
  required?: string[];
  $ref?: string;
  allOf?: OpenApiSchema[];
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

export interface OpenApiDocument {
  components?: { schemas?: Record<string, OpenApiSchema> };
}

const discoveryAccept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** The first page of the registry's stored blobs; later pages come from the answer's `Link`. */
const firstBlobsPage = '/admin/blobs/?n=1000';

/** What a Status's `details` says of an Invalid object, for kubectl's wording of the refusal. */
export interface StatusDetails {
  readonly kind?: string;
  readonly name?: string;
  readonly causes?: readonly { readonly field?: string; readonly message?: string }[];
}

export class ServerError extends CliError {
  readonly status: number;
  readonly reason: string;
  readonly details?: StatusDetails;

  constructor(status: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.status = status;
    this.reason = reason;
    this.details = details;
  }
}

export class ApiClient {
  readonly options: ClientOptions;

  constructor(options: ClientOptions) {
    this.options = options;
  }

  async raw(method: string, path: string, options: RequestOptions = {}): Promise<RawResponse> {
    const res = await this.open(method, path, options);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
  }

  /** Sends a request and resolves when the answer starts, for a body too large to hold (a backup). */
  open(method: string, path: string, options: RequestOptions = {}): Promise<IncomingMessage> {
    const url = this.onServer(path);
    const body =
      options.body === undefined ? undefined : typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body);
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json', 'user-agent': 'ims', ...options.headers };
    if (this.options.token && !headers.authorization) headers.authorization = `Bearer ${this.options.token}`;
    if (body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const { send, tls } = this.connection(url);
    return new Promise((resolve, reject) => {
      const req = send(url, { method, headers, timeout: 60_000, signal: this.options.signal, ...tls }, resolve);
      req.on('timeout', () => req.destroy(new Error('the server did not answer within 60s')));
      req.on('error', (error: NodeJS.ErrnoException) => reject(new CliError(connectionProblem(this.options.server, error))));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /**
   * `path` on the logged-in server, and nowhere else: every request carries the session's token (or
   * a password), and an address a server hands out (`/\\other.host/x`, an OAuth endpoint naming
   * `//other.host`) must not send it to another host.
   */
  private onServer(path: string): URL {
    const server = new URL(this.options.server);
    const url = new URL(path, server);
    if (url.origin !== server.origin)
      throw new CliError(`refusing to send this session's credentials to ${url.origin}, which is not the server ${server.origin}`);
    return url;
  }

  /** How to reach `url`: plain HTTP, or HTTPS trusting the session's CA (or nothing, if told to). */
  private connection(url: URL) {
    if (url.protocol !== 'https:') return { send: httpRequest, tls: {} };
    const ca = this.options.certificateAuthority ? readFileSync(this.options.certificateAuthority) : undefined;
    return { send: httpsRequest, tls: { ca, rejectUnauthorized: !this.options.insecureSkipTlsVerify } };
  }

  /**
   * The lines of a streamed answer as they arrive (a watch), until the server ends it or `signal`
   * aborts. A non-2xx answer becomes a ServerError. No idle timeout: a quiet watch is a normal one.
   */
  async *lines(method: string, path: string, options: Pick<RequestOptions, 'accept'> & { readonly signal?: AbortSignal } = {}): AsyncGenerator<string> {
    const url = this.onServer(path);
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json', 'user-agent': 'ims' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    const { send, tls } = this.connection(url);
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, { method, headers, signal: options.signal ?? this.options.signal, ...tls }, resolve);
      req.on('error', (error: NodeJS.ErrnoException) =>
        reject(error.name === 'AbortError' ? error : new CliError(connectionProblem(this.options.server, error))),
      );
      req.end();
    });
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      const chunks: Buffer[] = [];
      for await (const chunk of response) chunks.push(chunk as Buffer);
      throw this.refusal({ status, headers: response.headers, body: Buffer.concat(chunks) });
    }
    let pending = '';
    try {
      for await (const chunk of response) {
        pending += (chunk as Buffer).toString('utf8');
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          if (line.trim()) yield line;
        }
      }
    } catch (error) {
      // The server going away mid-stream ends the watch like the server ending it.
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') throw error;
    } finally {
      response.destroy();
    }
    if (pending.trim()) yield pending;
  }

  /** Sends a request and parses the JSON answer; a non-2xx answer becomes a ServerError. */
  async json<T = Record<string, unknown>>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.raw(method, path, options);
    if (response.status >= 200 && response.status < 300) return (response.body.length ? JSON.parse(response.body.toString('utf8')) : {}) as T;
    throw this.refusal(response);
  }

  /** The server's refusal as an error; a refused token past its expiry says it expired. */
  refusal(response: RawResponse): ServerError {
    const expiresAt = this.options.tokenExpiresAt;
    if (response.status === 401 && expiresAt !== undefined && Date.now() >= expiresAt)
      return new ServerError(
        401,
        'Unauthorized',
        `your login token expired at ${new Date(expiresAt).toISOString()}; log in again: ims login ${this.options.server}`,
      );
    return errorFrom(response);
  }

  /** The verbs of a kinds-table entry (typed by it), or of a resource the server's discovery named. */
  resource<T extends KubeObject = KubeObject, S extends SubresourceTypes = Record<never, never>>(address: TypedAddress<T, S>): ResourceClient<T, S> {
    return new ResourceClient<T, S>(this, address);
  }

  /** Whoever the token belongs to (`users/~`). */
  currentUser(): Promise<Served<User>> {
    return this.resource(kinds.users).get(undefined, '~');
  }

  /** Aggregated discovery of the core group, or of every named group. */
  discovery(groups: 'core' | 'named'): Promise<DiscoveryList> {
    return this.json('GET', groups === 'core' ? '/api' : '/apis', { accept: discoveryAccept });
  }

  /** Where a registry sends its push notifications for a receiver: its path, with the secret for senders that cannot sign. */
  webhookUrl(namespace: string, name: string, type: string, secret?: string): string {
    return new URL(objectPath(kinds.imageStreamWebhooks, namespace, name, secret ? `${secret}/${type}` : type), this.options.server).toString();
  }

  /** What the server says about itself, e.g. where its registry is (`/.well-known/imagestream`). */
  serverInfo(): Promise<{ registryHost?: string; version?: string }> {
    return this.json('GET', '/.well-known/imagestream');
  }

  /**
   * Asks the OAuth server for a token with a user name and password, as `oc login -u` does: the
   * challenging client's implicit grant at the endpoint the server's metadata (RFC 8414) names.
   * A 302 carries the token in its Location; anything else is a refusal.
   */
  async authorizeWithPassword(username: string, password: string): Promise<RawResponse> {
    const metadata = await this.json<{ authorization_endpoint: string }>('GET', '/.well-known/oauth-authorization-server');
    const authorize = new URL(metadata.authorization_endpoint);
    authorize.searchParams.set('response_type', 'token');
    authorize.searchParams.set('client_id', 'openshift-challenging-client');
    return this.raw('GET', authorize.pathname + authorize.search, {
      headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`, 'x-csrf-token': '1' },
    });
  }

  /** The Kubernetes version the server speaks (`/version`, which needs no token). */
  kubernetesVersion(): Promise<{ major?: string; minor?: string; gitVersion?: string; platform?: string }> {
    return this.json('GET', '/version');
  }

  /** A group version's OpenAPI v3 document, at the address the server's index gives for it; none if it has none. */
  async openApiDocument(group: string, version: string): Promise<OpenApiDocument | undefined> {
    const index = await this.json<{ paths?: Record<string, { serverRelativeURL?: string }> }>('GET', '/openapi/v3');
    const entry = index.paths?.[group ? `apis/${group}/${version}` : `api/${version}`];
    const address = entry?.serverRelativeURL;
    if (!address) return undefined;
    // Relative to this server only: an absolute address would carry the token to another host.
    if (!address.startsWith('/') || address.startsWith('//'))
      throw new CliError(`the server's OpenAPI index names a document elsewhere (${address.slice(0, 100)})`);
    return this.json<OpenApiDocument>('GET', address);
  }

  /** Revokes the token in use. */
  revokeToken(): Promise<RawResponse> {
    return this.raw('DELETE', '/oauth/token');
  }

  /** A consistent snapshot of the server's store (cluster-admin only), as the answer starts. */
  backup(): Promise<IncomingMessage> {
    return this.open('GET', '/admin/backup', { accept: 'application/vnd.sqlite3, application/json' });
  }

  /** The MutatingWebhookConfiguration of this server's admission webhook (it holds the webhook key). */
  webhookConfiguration(query: { service?: string; url?: string; failurePolicy?: string }): Promise<RawResponse> {
    const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
    return this.raw('GET', `/admission/webhook-configuration?${params}`);
  }

  /** A page of the registry's stored blobs: the first, or the one a previous page's `Link` names. */
  storedBlobs(page: string = firstBlobsPage): Promise<RawResponse> {
    return this.raw('GET', page);
  }

  /** Deletes a stored blob unless it is in use or younger than `keepYoungerThanSeconds` (409 then). */
  deleteBlob(digest: string, keepYoungerThanSeconds: number): Promise<RawResponse> {
    return this.raw('DELETE', `/admin/blobs/${digest}?keepYoungerThanSeconds=${keepYoungerThanSeconds}`);
  }
}

export function errorFrom(response: RawResponse): ServerError {
  let status: { message?: string; reason?: string; details?: StatusDetails } = {};
  try {
    status = JSON.parse(response.body.toString('utf8')) as typeof status;
  } catch {
    // not a Status: fall back to the HTTP status
  }
  if (response.status === 401) return new ServerError(401, 'Unauthorized', "You must be logged in to the server (Unauthorized); run 'ims login'");
  const details = status.details && typeof status.details === 'object' ? status.details : undefined;
  return new ServerError(response.status, status.reason ?? String(response.status), status.message ?? `the server answered ${response.status}`, details);
}

/** Node's codes for a certificate the client could not verify. */
const untrustedCertificate =
  /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_UNTRUSTED)$/;

/** What went wrong reaching the server, and what to do about it. */
export function connectionProblem(server: string, error: NodeJS.ErrnoException): string {
  const url = new URL(server);
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return `The connection to the server ${url.host} was refused - did you specify the right host or port?`;
  if (code === 'ENOTFOUND') return `dial tcp: lookup ${url.hostname}: no such host`;
  if (untrustedCertificate.test(code))
    return `the server ${url.host} uses a certificate signed by an unknown authority; pass --certificate-authority=FILE with its CA (or --insecure-skip-tls-verify)`;
  if (code === 'CERT_HAS_EXPIRED') return `the certificate of the server ${url.host} has expired; renew it, or pass --insecure-skip-tls-verify`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `the certificate of the server is not valid for ${url.hostname}: use a name or address it was issued for (${error.message.replace(/^.*?: /, '')})`;
  if (url.protocol === 'https:' && (code === 'EPROTO' || /wrong version number|packet length too long/i.test(error.message)))
    return `the server ${url.host} speaks plain HTTP, not HTTPS: use http://${url.host}`;
  if (url.protocol === 'http:' && (code === 'ECONNRESET' || /socket hang up/i.test(error.message)))
    return `the server ${url.host} closed the connection: if it serves HTTPS, use https://${url.host}`;
  return `unable to reach ${server}: ${error.message}`;
}
