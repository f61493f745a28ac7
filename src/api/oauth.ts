// The OAuth endpoints `ims login -u -p` (and `oc login`) use: discovery metadata, and the
// challenging client's implicit grant, which trades Basic credentials for a bearer token.
import { randomUUID } from 'node:crypto';
import type { PasswordChecker } from '../auth/htpasswd.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { ResourceStore } from '../store/resource-store.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { formatTimestamp, objectKey } from '../kube/object.ts';
import { isAppError } from '../errors.ts';
import { tokenFromHeader } from '../auth/authenticator.ts';

export interface OAuthFaceDeps {
  readonly tokens: Pick<TokenService, 'issue' | 'revoke'>;
  readonly passwords?: PasswordChecker;
  readonly store: Pick<ResourceStore, 'create'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tokenTtlSeconds: number;
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

export class OAuthFace {
  private readonly deps: OAuthFaceDeps;

  constructor(deps: OAuthFaceDeps) {
    this.deps = deps;
  }

  serves(pathname: string): boolean {
    return pathname === '/.well-known/oauth-authorization-server' || pathname.startsWith('/oauth/');
  }

  async handle(request: Request, requestId: string): Promise<Response> {
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
    if (url.pathname === '/oauth/token/implicit') return new Response('You are logged in. Return to the command line.\n', { headers: { 'content-type': 'text/plain' } });
    if (url.pathname === '/oauth/token' && request.method === 'DELETE') {
      const token = tokenFromHeader(request.headers.get('authorization') ?? '');
      if (token) await this.deps.tokens.revoke(token);
      return new Response(null, { status: 204 });
    }
    return json({ error: 'not_found' }, 404);
  }

  private async authorize(request: Request, url: URL, base: string, requestId: string): Promise<Response> {
    const challenge = { 'www-authenticate': 'Basic realm="imagestream"' };
    if (url.searchParams.get('response_type') !== 'token') return json({ error: 'unsupported_response_type', error_description: 'only response_type=token is supported' }, 400);
    if (!this.deps.passwords) return json({ error: 'access_denied', error_description: 'password login is not enabled on this server (start it with --htpasswd FILE)' }, 401, challenge);
    const credentials = basicCredentials(request.headers.get('authorization'));
    if (!credentials) return json({ error: 'unauthorized', error_description: 'credentials required' }, 401, challenge);
    if (!(await this.deps.passwords.check(credentials.user, credentials.password))) {
      this.deps.logger.info('login refused', { requestId, user: credentials.user });
      return json({ error: 'access_denied', error_description: 'Login failed (401 Unauthorized): invalid username or password' }, 401, challenge);
    }
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

function basicCredentials(header: string | null): { user: string; password: string } | undefined {
  const match = /^basic\s+(.+)$/i.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
