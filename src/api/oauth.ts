// The OAuth endpoints `ims login -u -p` (and `oc login`) use: discovery metadata, and the
// challenging client's implicit grant, which trades Basic credentials for a bearer token. Its own
// catch answers anything thrown from its table, logged with the request id, never echoing internals.
import { randomUUID } from 'node:crypto';
import type { PasswordChecker } from '../auth/htpasswd.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { ResourceStore } from '../store/resource-store.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { formatTimestamp, objectKey } from '../kube/object.ts';
import { AppError, asAppError, isAppError, type ErrorKind } from '../errors.ts';
import { basicCredentials, tokenFromHeader } from '../auth/authenticator.ts';
import { statusResponse } from './http-responses.ts';

export interface OAuthFaceDeps {
  readonly tokens: Pick<TokenService, 'issue' | 'endSession'>;
  readonly passwords?: PasswordChecker;
  readonly store: Pick<ResourceStore, 'create'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tokenTtlSeconds: number;
  /** Told who logged in with a password (the access log names them); never the password. */
  readonly onAuthenticated?: (userName: string) => void;
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** The OAuth 2 error codes this face answers with (RFC 6749 §4.2.2.1), and `unauthorized`, which oc's challenging client expects. */
type OAuthErrorCode =
  'invalid_request' | 'unsupported_response_type' | 'unauthorized' | 'access_denied' | 'not_found' | 'server_error' | 'temporarily_unavailable';

/**
 * Each code's status, and what it says when the error's own words must stay inside: a 5xx is
 * about this server's insides (a store, a file), and this face answers callers not yet logged in.
 */
const oauthErrors: Record<OAuthErrorCode, { status: number; description: string }> = {
  invalid_request: { status: 400, description: 'the request is not valid' },
  unsupported_response_type: { status: 400, description: 'the response type is not supported' },
  // OpenShift's challenging client answers refused credentials with 401 and a challenge, not a redirect.
  unauthorized: { status: 401, description: 'credentials required' },
  access_denied: { status: 401, description: 'access denied' },
  not_found: { status: 404, description: 'not found' },
  server_error: { status: 500, description: 'an internal error occurred' },
  temporarily_unavailable: { status: 503, description: 'logging in is not possible right now; try again later' },
};

/** The code a thrown error answers with on an OAuth endpoint; the compiler demands a row for every kind. */
const oauthCodeOf: Record<ErrorKind, OAuthErrorCode> = {
  NotFound: 'not_found',
  AlreadyExists: 'server_error',
  Conflict: 'temporarily_unavailable',
  Invalid: 'invalid_request',
  BadRequest: 'invalid_request',
  Unauthorized: 'unauthorized',
  Forbidden: 'access_denied',
  Gone: 'not_found',
  TooLarge: 'invalid_request',
  MethodNotAllowed: 'invalid_request',
  UnsupportedMediaType: 'invalid_request',
  NotAcceptable: 'invalid_request',
  Timeout: 'temporarily_unavailable',
  Upstream: 'temporarily_unavailable',
  Unavailable: 'temporarily_unavailable',
  Internal: 'server_error',
};

/** An OAuth 2 error response; the status is the code's. */
function oauthError(code: OAuthErrorCode, description?: string, headers: Record<string, string> = {}): Response {
  return json({ error: code, ...(description !== undefined ? { error_description: description } : {}) }, oauthErrors[code].status, headers);
}

export class OAuthFace {
  private readonly deps: OAuthFaceDeps;

  constructor(deps: OAuthFaceDeps) {
    this.deps = deps;
  }

  serves(pathname: string): boolean {
    return pathname === '/.well-known/oauth-authorization-server' || pathname.startsWith('/oauth/');
  }

  async handle(request: Request, requestId: string): Promise<Response> {
    try {
      return await this.route(request, requestId);
    } catch (error) {
      return this.failure(request, requestId, error);
    }
  }

  /**
   * The one catch: on the OAuth endpoints (/oauth/…) an OAuth 2 error, which oc and `ims login`
   * read; elsewhere (the discovery document, served by the API server in OpenShift) a Status.
   */
  private failure(request: Request, requestId: string, error: unknown): Response {
    const appError = asAppError(error);
    if (appError.kind === 'Internal') this.deps.logger.error('oauth request failed', { requestId, error });
    else this.deps.logger.warn('oauth request failed', { requestId, kind: appError.kind, error: appError.message });
    const code = oauthCodeOf[appError.kind];
    const { status, description } = oauthErrors[code];
    if (new URL(request.url).pathname.startsWith('/oauth/')) return oauthError(code, status >= 500 ? description : appError.message);
    return statusResponse(appError.kind === 'Internal' ? new AppError('Internal', description) : appError);
  }

  private async route(request: Request, requestId: string): Promise<Response> {
    const url = new URL(request.url);
    const base = `${url.protocol}//${url.host}`;
    if (url.pathname === '/.well-known/oauth-authorization-server') {
      return json({
        issuer: base,
        authorization_endpoint: `${base}/oauth/authorize`,
        token_endpoint: `${base}/oauth/token`,
        response_types_supported: ['token'],
        grant_types_supported: ['implicit'],
        code_challenge_methods_supported: [],
      });
    }
    if (url.pathname === '/oauth/authorize' && request.method === 'GET') return this.authorize(request, url, base, requestId);
    if (url.pathname === '/oauth/token/implicit')
      return new Response('You are logged in. Return to the command line.\n', { headers: { 'content-type': 'text/plain' } });
    if (url.pathname === '/oauth/token' && request.method === 'DELETE') {
      const token = tokenFromHeader(request.headers.get('authorization') ?? '');
      // The bootstrap token outlives a logout; the answer says so, for `ims logout` to tell its user.
      if (token && (await this.deps.tokens.endSession(token)) === 'kept')
        return json({
          kept: true,
          reason: 'BootstrapToken',
          message: "the bootstrap token in the server's admin.token stays valid; 'ims serve --reset-admin-token' replaces it",
        });
      return new Response(null, { status: 204 });
    }
    return oauthError('not_found');
  }

  private async authorize(request: Request, url: URL, base: string, requestId: string): Promise<Response> {
    const challenge = { 'www-authenticate': 'Basic realm="imagestream"' };
    if (url.searchParams.get('response_type') !== 'token') return oauthError('unsupported_response_type', 'only response_type=token is supported');
    if (!this.deps.passwords) return oauthError('access_denied', 'password login is not enabled on this server (start it with --htpasswd FILE)', challenge);
    const credentials = basicCredentials(request.headers.get('authorization'));
    if (!credentials) return oauthError('unauthorized', 'credentials required', challenge);
    if (!(await this.deps.passwords.check(credentials.user, credentials.password))) {
      this.deps.logger.info('login refused', { requestId, user: credentials.user });
      return oauthError('access_denied', 'Login failed (401 Unauthorized): invalid username or password', challenge);
    }
    this.deps.onAuthenticated?.(credentials.user);
    await this.recordUser(credentials.user);
    const token = await this.deps.tokens.issue({ kind: 'user', userName: credentials.user }, this.deps.tokenTtlSeconds);
    this.deps.logger.info('login', { requestId, user: credentials.user });
    const fragment = new URLSearchParams({ access_token: token, expires_in: String(this.deps.tokenTtlSeconds), scope: 'user:full', token_type: 'Bearer' });
    return new Response(null, { status: 302, headers: { location: `${base}/oauth/token/implicit#${fragment}` } });
  }

  /** Users appear in the API at first login, with their identity, as in OpenShift. */
  private async recordUser(name: string): Promise<void> {
    await this.deps.store
      .create(objectKey('user.openshift.io', 'users', '', name), {
        metadata: { name, uid: randomUUID(), creationTimestamp: formatTimestamp(this.deps.clock.now()) },
        identities: [`htpasswd:${name}`],
        groups: [],
      })
      .catch((error: unknown) => {
        if (!isAppError(error, 'AlreadyExists')) throw error;
      });
  }
}
