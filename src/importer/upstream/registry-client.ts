// A client for other registries' v2 API: finds the scheme (HTTPS, or HTTP for insecure ones), answers
// Bearer and Basic challenges with the keyring's credentials (anonymous when none, or when they are
// refused), retries 5xx and 429 honouring a short Retry-After, never calls a host that asked for a
// longer quiet or said its rate limit is spent (the server's registry budgets), and verifies every
// manifest and blob it returns against its digest. It never stores anything, reaches only registries the allow-list
// admits, and never copies a registry's words (bodies, headers) into its errors: those end up in
// stream status that every viewer of a project reads.
import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { CredentialKeyring, Credential } from './credentials.ts';
import type { AuthChallenge } from './auth-challenge.ts';
import type { RegistryAllowList } from './registry-allow-list.ts';
import type { RegistryBudgets } from './registry-budgets.ts';
import { parseChallenge } from './auth-challenge.ts';
import { AppError, isAppError } from '../../errors.ts';
import { manifestMediaTypes } from '../../image/media-types.ts';
import { isDigest } from '../../image/digest.ts';
import { readAtMost } from '../../lib/read-limited.ts';
import { humanDuration } from '../../kube/human-duration.ts';
import { retryAfterMs } from './rate-limit-headers.ts';

/** How to reach a host: a fetch bound to a TLS policy. */
export interface Transport {
  fetch(
    url: string,
    init: { method: string; headers: Record<string, string>; insecure: boolean; signal?: AbortSignal; redirect?: 'follow' | 'manual' },
  ): Promise<Response>;
}

export interface UpstreamRepository {
  /** host[:port]. */
  readonly registry: string;
  /** `namespace/name`. */
  readonly path: string;
  readonly insecure: boolean;
}

export interface FetchedManifest {
  readonly bytes: Buffer;
  readonly mediaType: string;
  readonly digest: string;
}

export interface RegistryClientDeps {
  readonly transport: Transport;
  readonly keyring: CredentialKeyring;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly maxManifestBytes?: number;
  readonly retries?: number;
  /**
   * The most one bounded request (a manifest, a tag list, a config, a token) may take in all, so a
   * registry that trickles bytes cannot hold an import forever (default 2 minutes). Blob streams
   * opened for pull-through are bounded by the transport's idle timeout only.
   */
  readonly deadlineMs?: number;
  /** `ims serve --allowed-registries`; every registry when absent. */
  readonly allowList?: RegistryAllowList;
  /** The server's rate-limit budgets, fed by every answer; no budgets kept when absent. */
  readonly budgets?: RegistryBudgets;
  /** The longest Retry-After waited out within one request (default 10 s); a longer one fails the request at once. */
  readonly maxRetryAfterMs?: number;
}

const manifestAccept = manifestMediaTypes.join(', ');

/**
 * The registry as its credentials are looked up. A plain-HTTP registry named without a port is
 * looked up as `host:80`, so only a secret stored for `host:80` serves it and a port-less secret is
 * kept for HTTPS — OpenShift's rule, which its documentation states as "the registry URL in the
 * secret must include the :80 port suffix" for insecure registries (SPEC §2.10).
 */
export function credentialHost(schemeOrBase: string, registry: string): string {
  const plainHttp = /^http:/i.test(schemeOrBase);
  return plainHttp && !/:\d+$/.test(registry) ? `${registry}:80` : registry;
}

export class RegistryClient {
  private readonly deps: RegistryClientDeps;
  private readonly schemes = new Map<string, 'https' | 'http'>();
  private readonly tokens = new Map<string, string>();
  private readonly anonymous = new Set<string>();
  /** Which secrets answered, by name. */
  readonly usedCredentials = new Set<string>();

  constructor(deps: RegistryClientDeps) {
    this.deps = deps;
  }

  fetchManifest(repository: UpstreamRepository, reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
    return this.withDeadline(repository, signal, (bounded) => this.fetchManifestWithin(repository, reference, bounded));
  }

  /** The digest a tag points at, with one HEAD request. */
  async headManifest(repository: UpstreamRepository, reference: string, signal?: AbortSignal): Promise<string | undefined> {
    return (await this.checkManifest(repository, reference, signal)).digest;
  }

  /** What a tag points at (its digest and media type) as one HEAD tells; HEAD does not count against Docker Hub's limit. */
  checkManifest(repository: UpstreamRepository, reference: string, signal?: AbortSignal): Promise<{ digest?: string; mediaType?: string }> {
    return this.withDeadline(repository, signal, async (bounded) => {
      const response = await this.request(repository, 'HEAD', `/v2/${repository.path}/manifests/${reference}`, { accept: manifestAccept }, bounded);
      await response.body?.cancel();
      return { digest: response.headers.get('docker-content-digest') ?? undefined, mediaType: mediaTypeOf(response.headers.get('content-type')) || undefined };
    });
  }

  fetchBlob(repository: UpstreamRepository, digest: string, limit: number, signal?: AbortSignal): Promise<Buffer> {
    return this.withDeadline(repository, signal, (bounded) => this.fetchBlobWithin(repository, digest, limit, bounded));
  }

  listTags(repository: UpstreamRepository, signal?: AbortSignal): Promise<string[]> {
    return this.withDeadline(repository, signal, (bounded) => this.listTagsWithin(repository, bounded));
  }

  /**
   * Runs `work` with a signal that also ends at the deadline; a deadline passed is a Timeout naming
   * the host, and the caller's signal (the server stopping, its client gone) an interruption, never
   * a Timeout: the registry did nothing wrong, and nothing should be recorded against it.
   */
  private async withDeadline<T>(repository: UpstreamRepository, signal: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const deadlineMs = this.deps.deadlineMs ?? 120_000;
    const deadline = AbortSignal.timeout(deadlineMs);
    try {
      return await work(signal ? AbortSignal.any([signal, deadline]) : deadline);
    } catch (error) {
      if (signal?.aborted) throw interrupted(repository, error);
      if (deadline.aborted)
        throw new AppError('Timeout', `${repository.registry}: the registry did not finish answering within ${Math.round(deadlineMs / 1000)}s`);
      throw error;
    }
  }

  private async fetchManifestWithin(repository: UpstreamRepository, reference: string, signal: AbortSignal): Promise<FetchedManifest> {
    await this.unlessSpent(repository, reference, signal);
    const response = await this.request(repository, 'GET', `/v2/${repository.path}/manifests/${reference}`, { accept: manifestAccept }, signal);
    const limit = this.deps.maxManifestBytes ?? 4 * 1024 * 1024;
    const bytes = await readLimited(response, limit, `the manifest of ${repository.registry}/${repository.path}:${reference}`);
    const mediaType = mediaTypeOf(response.headers.get('content-type')) || mediaTypeFromBody(bytes);
    const algorithm = isDigest(reference) ? reference.split(':')[0] : 'sha256';
    const digest = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
    if (isDigest(reference) && digest !== reference) {
      throw new AppError(
        'Internal',
        `content integrity error: the manifest retrieved (media type: ${mediaType}) with digest ${reference} does not match the digest calculated from the content ${digest}`,
      );
    }
    const claimed = response.headers.get('docker-content-digest');
    if (!isDigest(reference) && claimed && isDigest(claimed) && claimed.startsWith('sha256:') && claimed !== digest) {
      throw new AppError('Internal', `content integrity error: the registry says the manifest is ${claimed} but its content is ${digest}`);
    }
    return { bytes, mediaType, digest };
  }

  /**
   * Refuses a manifest GET to a registry that said nothing is left, since it would only earn a 429.
   * One HEAD first (free on Docker Hub) brings the count up to date: a rolling window may have
   * given some back since.
   */
  private async unlessSpent(repository: UpstreamRepository, reference: string, signal: AbortSignal): Promise<void> {
    const budgets = this.deps.budgets;
    if (!budgets?.spentRefusal(repository.registry)) return;
    const response = await this.request(repository, 'HEAD', `/v2/${repository.path}/manifests/${reference}`, { accept: manifestAccept }, signal);
    await response.body?.cancel();
    const refused = budgets.spentRefusal(repository.registry);
    if (refused) throw refused;
  }

  private async fetchBlobWithin(repository: UpstreamRepository, digest: string, limit: number, signal: AbortSignal): Promise<Buffer> {
    const response = await this.request(repository, 'GET', `/v2/${repository.path}/blobs/${digest}`, {}, signal);
    const bytes = await readLimited(response, limit, `blob ${digest}`);
    const algorithm = digest.split(':')[0];
    const actual = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
    if (actual !== digest) throw new AppError('Internal', `content integrity error: blob ${digest} has the digest ${actual}`);
    return bytes;
  }

  /** A blob's bytes as a stream, unverified: the caller verifies while storing it. */
  async openBlob(repository: UpstreamRepository, digest: string, signal?: AbortSignal): Promise<{ body: ReadableStream<Uint8Array>; size?: number }> {
    const response = await this.request(repository, 'GET', `/v2/${repository.path}/blobs/${digest}`, {}, signal).catch((error: unknown) => {
      throw signal?.aborted ? interrupted(repository, error) : error;
    });
    if (!response.body) throw new AppError('Internal', `blob ${digest} came with no body`);
    const size = Number(response.headers.get('content-length'));
    return { body: response.body, size: Number.isFinite(size) ? size : undefined };
  }

  private async listTagsWithin(repository: UpstreamRepository, signal: AbortSignal): Promise<string[]> {
    const tags: string[] = [];
    let path: string | undefined = `/v2/${repository.path}/tags/list?n=1000`;
    for (let page = 0; path && page < 100; page++) {
      const response = await this.request(repository, 'GET', path, { accept: 'application/json' }, signal);
      const body = parseJson(
        (await readLimited(response, 16 * 1024 * 1024, 'the tag list')).toString('utf8'),
        `the tag list of ${repository.registry}/${repository.path}`,
      ) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      const link = /<([^>]+)>\s*;\s*rel="?next"?/.exec(response.headers.get('link') ?? '')?.[1];
      path = link ? new URL(link, 'http://x').pathname + new URL(link, 'http://x').search : undefined;
    }
    return tags;
  }

  private async request(
    repository: UpstreamRepository,
    method: string,
    path: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Response> {
    const refused = this.deps.allowList?.refusal(repository.registry, repository.insecure);
    if (refused) throw forbidden(repository, refused);
    const base = await this.base(repository, signal);
    const scopeKey = `${repository.registry}/${repository.path}`;
    let credential = this.anonymous.has(scopeKey) ? undefined : this.deps.keyring.lookup(credentialHost(base, repository.registry), repository.path);
    for (let attempt = 0; ; attempt++) {
      const auth = this.tokens.get(scopeKey);
      const response = await this.send(repository, `${base}${path}`, method, { ...headers, ...(auth ? { authorization: auth } : {}) }, signal);
      if (response.status === 401 && attempt < 3) {
        await response.body?.cancel();
        const challenge = parseChallenge(response.headers.get('www-authenticate'));
        if (auth && credential) {
          // The credentials were refused: public images can still be read anonymously.
          this.anonymous.add(scopeKey);
          credential = undefined;
        }
        if (!challenge || (auth && !credential && attempt > 0)) throw this.unauthorized(repository);
        try {
          this.tokens.set(scopeKey, await this.authorize(challenge, repository, credential, signal));
        } catch (error) {
          if (!(isAppError(error, 'Unauthorized') && credential)) throw error;
          // The token service refused the credentials: try as anonymous.
          this.anonymous.add(scopeKey);
          credential = undefined;
          this.tokens.set(scopeKey, await this.authorize(challenge, repository, undefined, signal));
        }
        continue;
      }
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        throw this.unauthorized(repository);
      }
      if (response.status === 404) {
        await response.body?.cancel();
        throw new AppError('NotFound', `${repository.registry}/${repository.path}: not found`);
      }
      if (response.status >= 300) {
        // The status and the registry's error code classify the failure; the body's prose is the
        // registry's own and may echo anything it was sent, credentials included. A 5xx that
        // outlasted the retries is the registry failing, any other answer one we cannot use.
        const code = await registryErrorCode(response);
        throw new AppError(
          response.status >= 500 ? 'Upstream' : 'Internal',
          `${method} ${repository.registry}${path.split('?')[0]}: the registry answered ${response.status}${STATUS_CODES[response.status] ? ` ${STATUS_CODES[response.status]}` : ''}${code ? ` (${code})` : ''}`,
        );
      }
      if (credential && auth) this.usedCredentials.add(credential.source);
      return response;
    }
  }

  /** Unauthorized, worded by whether the keyring had credentials for the repository. */
  private unauthorized(repository: UpstreamRepository): AppError {
    const scheme = this.schemes.get(repository.registry) ?? 'https';
    const host = credentialHost(`${scheme}://`, repository.registry);
    const hadCredentials = Boolean(this.deps.keyring.lookup(host, repository.path));
    // Entries of pull secrets that were there for this registry but could not be used: say so.
    const unusable = this.deps.keyring
      .unusableFor(host, repository.path)
      .map((e) => ({ reason: 'FieldValueInvalid' as const, field: `secret ${e.source}, entry ${e.registry}`, message: e.reason }));
    return new AppError('Unauthorized', hadCredentials ? 'incorrect username or password' : 'no credentials', {
      subject: { name: `${repository.registry}/${repository.path}`, kind: hadCredentials ? 'refused' : 'anonymous' },
      ...(unusable.length ? { causes: unusable } : {}),
    });
  }

  private async authorize(challenge: AuthChallenge, repository: UpstreamRepository, credential: Credential | undefined, signal?: AbortSignal): Promise<string> {
    if (challenge.scheme === 'basic') {
      if (!credential) throw this.unauthorized(repository);
      return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
    }
    const realm = challenge.params.realm;
    if (!realm) throw new AppError('Internal', `${repository.registry} asked for a token but named no token service (realm)`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new AppError('Internal', `${repository.registry} named a token service (realm) that is not a URL`);
    }
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    url.searchParams.set('scope', `repository:${repository.path}:pull`);
    // Delegated authentication: a realm on another host gets the credentials stored for that host.
    const realmHost = url.port ? `${url.hostname}:${url.port}` : url.hostname;
    const realmCredential =
      credential && realmHost !== repository.registry ? (this.deps.keyring.lookup(credentialHost(url.protocol, realmHost)) ?? credential) : credential;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (realmCredential) headers.authorization = `Basic ${Buffer.from(`${realmCredential.username}:${realmCredential.password}`).toString('base64')}`;
    const response = await this.send(repository, url.toString(), 'GET', headers, signal);
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw this.unauthorized(repository);
    }
    if (!response.ok) throw new AppError(response.status >= 500 ? 'Upstream' : 'Internal', `the token service at ${url.host} answered ${response.status}`);
    const body = (await response.json().catch(() => ({}))) as { token?: string; access_token?: string };
    const token = body.token || body.access_token;
    if (!token) throw new AppError('Internal', `the token service at ${url.host} returned no token`);
    return `Bearer ${token}`;
  }

  /** `https://host` or, for an insecure registry that does not speak TLS, `http://host`. */
  private async base(repository: UpstreamRepository, signal?: AbortSignal): Promise<string> {
    const known = this.schemes.get(repository.registry);
    if (known) return `${known}://${repository.registry}`;
    try {
      const response = await this.send(repository, `https://${repository.registry}/v2/`, 'GET', {}, signal);
      await response.body?.cancel();
      this.schemes.set(repository.registry, 'https');
    } catch (error) {
      // A registry that took the connection but never answered TLS is stuck, not plain HTTP (one of
      // those answers the handshake with an HTTP error at once): asking again over HTTP only doubles the wait.
      if (isAppError(error, 'Forbidden') || isAppError(error, 'Timeout')) throw error;
      const message = (error as Error).message;
      const speaksHttp = /wrong version number|record (overflow|too large)|packet length too long|http request to an https server|EPROTO/i.test(message);
      if (!repository.insecure) {
        if (speaksHttp)
          throw new AppError(
            'BadRequest',
            `the repository ${repository.registry}/${repository.path} is HTTP only and requires the insecure flag to import: pass --insecure (or set the tag's importPolicy.insecure)`,
          );
        throw error;
      }
      const response = await this.send(repository, `http://${repository.registry}/v2/`, 'GET', {}, signal);
      await response.body?.cancel();
      this.schemes.set(repository.registry, 'http');
    }
    return `${this.schemes.get(repository.registry)}://${repository.registry}`;
  }

  private async send(repository: UpstreamRepository, url: string, method: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
    const retries = this.deps.retries ?? 3;
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const budgets = this.deps.budgets;
    // Counted under the registry's name as imports know it, its token service's requests too: a
    // registry cannot grow the series by naming a new realm host in every challenge, and a token
    // service that asks for quiet keeps its registry from being pulled anyway.
    const host = repository.registry;
    for (let attempt = 0; ; attempt++) {
      // A retry below has waited out the host's own Retry-After already.
      const quiet = attempt === 0 ? budgets?.refusal(host) : undefined;
      if (quiet) throw quiet;
      let response: Response;
      try {
        response = await this.deps.transport.fetch(url, { method, headers, insecure: repository.insecure, signal });
      } catch (error) {
        budgets?.unanswered(host, method);
        throw transportError(repository, url, error);
      }
      budgets?.observe(host, method, response);
      if (response.status !== 429 && response.status < 500) return response;
      const wait = retryAfterMs(response.headers.get('retry-after'), Date.now());
      const tooLong = wait !== undefined && wait > (this.deps.maxRetryAfterMs ?? 10_000);
      if (attempt < retries && !tooLong) {
        await response.body?.cancel();
        await sleep(wait ?? 250 * 2 ** attempt);
        continue;
      }
      const later = tooLong ? `; it asks to be called again in ${humanDuration(wait)}` : '';
      if (response.status === 429) {
        await response.body?.cancel();
        throw new AppError('Unavailable', `${host} is rate limiting requests (429 Too Many Requests)${later}`, { ociCode: 'TOOMANYREQUESTS' });
      }
      if (tooLong) {
        await response.body?.cancel();
        throw new AppError('Upstream', `${host} answered ${response.status}${later}`);
      }
      return response;
    }
  }
}

/** A request its caller gave up (the server is stopping, or the client went away) before the registry answered. */
export function interrupted(repository: UpstreamRepository, cause: unknown): AppError {
  const message = `${repository.registry}: interrupted before the registry answered (the server is stopping, or the request was cancelled)`;
  return new AppError('Unavailable', message, { cause });
}

function forbidden(repository: UpstreamRepository, why: string): AppError {
  return new AppError('Forbidden', `importing images from registry "${repository.registry}" is forbidden: ${why}`, {
    subject: { name: repository.registry, kind: 'registry' },
  });
}

/** Node's and undici's codes for a connection the other side reset or closed before answering. */
const connectionLost = /^(ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED)$/;
/** A TLS handshake that failed for a reason other than the certificate (protocol, alert, cipher). */
const tlsFailed = /^(EPROTO|ERR_SSL_|ERR_TLS_)/;

function transportError(repository: UpstreamRepository, url: string, error: unknown): AppError {
  if (isAppError(error)) return error;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  // The address guard refused a connection: to the registry, a redirect target or a token realm.
  if (isAppError(cause, 'Forbidden')) return forbidden(repository, cause.message);
  const code = cause?.code ?? '';
  const host = new URL(url).host;
  const detail = cause?.message ?? (error as Error).message;
  // A name that does not resolve is most often a mistyped one, so it stays Internal, as in OpenShift.
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new AppError('Internal', `dial tcp: lookup ${new URL(url).hostname}: no such host`);
  if (code === 'ECONNREFUSED') return new AppError('Upstream', `dial tcp ${host}: connect: connection refused`);
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|unknown authority/i.test(code + detail)) {
    // Node's own advice (run Node.js with --use-system-ca) is not a fix anyone running ims can apply.
    const reason = detail.replace(/; if the root CA is installed locally, try running Node\.js with --use-system-ca$/, '');
    return new AppError(
      'Upstream',
      `tls: failed to verify certificate of ${host}: ${reason}: trust its CA with 'ims serve --extra-ca FILE', or pass --insecure to import without verifying`,
    );
  }
  if (/timeout|aborted/i.test(code + detail)) return new AppError('Timeout', `${host}: the registry did not answer in time (${detail})`);
  if (connectionLost.test(code) || tlsFailed.test(code)) return new AppError('Upstream', `${host}: ${detail}`, { cause: error });
  return new AppError('Internal', `${host}: ${detail}`, { cause: error });
}

async function readLimited(response: Response, limit: number, what: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel();
    throw new AppError('Internal', `${what} is larger than the limit of ${limit} bytes`);
  }
  let bytes: Buffer | undefined;
  try {
    bytes = await readAtMost(response.body, limit);
  } catch (error) {
    // The connection ended mid-body: the registry or the network between us failed.
    throw new AppError('Upstream', `${what} was cut short: ${(error as Error).message}`);
  }
  if (!bytes) throw new AppError('Internal', `${what} is larger than the limit of ${limit} bytes`);
  if (Number.isFinite(declared) && bytes.length !== declared) throw new AppError('Upstream', `${what} was cut short: got ${bytes.length} of ${declared} bytes`);
  return bytes;
}

/** The Content-Type's media type when it looks like one; registries are not trusted to send one. */
function mediaTypeOf(contentType: string | null): string {
  const type = (contentType ?? '').split(';')[0].trim();
  return /^[\w.+-]{1,127}\/[\w.+-]{1,127}$/.test(type) ? type : '';
}

/** The first `errors[].code` of a registry's error body (distribution's vocabulary, like MANIFEST_UNKNOWN), if any. */
async function registryErrorCode(response: Response): Promise<string | undefined> {
  const bytes = await readAtMost(response.body, 16 * 1024).catch(() => undefined);
  if (!bytes) return undefined;
  try {
    const code = (JSON.parse(bytes.toString('utf8')) as { errors?: { code?: unknown }[] }).errors?.[0]?.code;
    return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,39}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // The parser's message quotes the text.
    throw new AppError('Internal', `${what} is not valid JSON`);
  }
}

function mediaTypeFromBody(bytes: Buffer): string {
  try {
    const body = JSON.parse(bytes.toString('utf8')) as { mediaType?: string; manifests?: unknown };
    return body.mediaType ?? (Array.isArray(body.manifests) ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.oci.image.manifest.v1+json');
  } catch {
    return '';
  }
}
