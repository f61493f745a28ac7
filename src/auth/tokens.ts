// Bearer tokens: random, shown once to their owner, stored only as a SHA-256 hash (named like
// OpenShift's `sha256~` access tokens), so a copy of the store gives nobody a usable token. The
// bootstrap token of <data-dir>/admin.token is marked: a logout never revokes it, only a reset does.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ResourceStore } from '../store/resource-store.ts';
import type { Clock } from '../lib/clock.ts';
import { isAppError, notFound, unlessNotFound } from '../errors.ts';
import { objectKey } from '../kube/object.ts';

export const tokenPrefix = 'sha256~';

export type TokenSubject =
  | { readonly kind: 'user'; readonly userName: string }
  | {
      readonly kind: 'serviceaccount';
      readonly namespace: string;
      readonly name: string;
      /** The uid of the account the token was issued to; `issue` records it. Absent only in tokens issued before tokens were bound. */
      readonly uid?: string;
    };

interface StoredToken {
  readonly subject: TokenSubject;
  readonly hash: string;
  readonly createdAt: string;
  readonly expiresAt?: string;
  /** The bootstrap administrator token, which `ims serve` wrote to <data-dir>/admin.token. */
  readonly bootstrap?: boolean;
}

/** What `find` knows of a stored token; times in ms since the epoch. */
export interface FoundToken {
  readonly subject: TokenSubject;
  readonly createdAt: number;
  readonly expiresAt?: number;
  readonly bootstrap: boolean;
}

export interface TokenServiceDeps {
  readonly store: Pick<ResourceStore, 'create' | 'get' | 'update' | 'delete' | 'list'>;
  readonly clock: Clock;
}

export class TokenService {
  private readonly deps: TokenServiceDeps;

  constructor(deps: TokenServiceDeps) {
    this.deps = deps;
  }

  /**
   * Makes a new token for `subject`; the only time the token's text exists is in the return value.
   * A service account's token is bound to the uid the account has now, as Kubernetes binds them, so
   * it dies with the account and an account created later under the same name does not revive it.
   */
  async issue(subject: TokenSubject, ttlSeconds?: number, options: { readonly bootstrap?: boolean } = {}): Promise<string> {
    const bound = subject.kind === 'serviceaccount' ? { ...subject, uid: await this.serviceAccountUid(subject.namespace, subject.name) } : subject;
    const token = tokenPrefix + randomBytes(32).toString('base64url');
    const now = this.deps.clock.now();
    const record: StoredToken = {
      subject: bound,
      hash: hashOf(token),
      createdAt: now.toISOString(),
      expiresAt: ttlSeconds === undefined ? undefined : new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
      ...(options.bootstrap ? { bootstrap: true } : {}),
    };
    await this.deps.store.create(tokenKey(token), { ...record });
    return token;
  }

  /** The subject of a valid, unexpired token, or undefined. */
  async lookup(token: string): Promise<TokenSubject | undefined> {
    const found = await this.find(token);
    if (!found || (found.expiresAt !== undefined && found.expiresAt <= this.deps.clock.now().getTime())) return undefined;
    return found.subject;
  }

  /** The subject, issue time and expiry of a stored token, expired or not. */
  async find(token: string): Promise<FoundToken | undefined> {
    if (!token.startsWith(tokenPrefix) || token.length > 200) return undefined;
    const stored = await unlessNotFound(this.deps.store.get(tokenKey(token)));
    if (!stored) return undefined;
    // Stored JSON: a record `issue` wrote, not a kind the API engine validated.
    const record = stored.value as unknown as StoredToken;
    const expected = Buffer.from(record.hash);
    const actual = Buffer.from(hashOf(token));
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    return {
      subject: record.subject,
      createdAt: Date.parse(record.createdAt),
      expiresAt: record.expiresAt ? Date.parse(record.expiresAt) : undefined,
      bootstrap: record.bootstrap === true,
    };
  }

  /**
   * Ends a login session (logout): revokes the token, unless it is the bootstrap token. That one is
   * the credential the README logs in with, again and again; only a reset replaces it.
   */
  async endSession(token: string): Promise<'revoked' | 'kept'> {
    if ((await this.find(token))?.bootstrap) return 'kept';
    await this.revoke(token);
    return 'revoked';
  }

  /** Marks a stored token as the bootstrap token (one issued before tokens were marked). */
  async markBootstrap(token: string): Promise<void> {
    const stored = await this.deps.store.get(tokenKey(token));
    if (stored.value.bootstrap !== true) await this.deps.store.update(tokenKey(token), { ...stored.value, bootstrap: true }, stored.resourceVersion);
  }

  /** Whether any bootstrap token is stored (replicas sharing a store mint only the first). */
  async hasBootstrapToken(): Promise<boolean> {
    const marked = await this.deps.store.list(objectKey('oauth.openshift.io', 'oauthaccesstokens', '', ''), {
      filter: (value) => value.bootstrap === true,
      limit: 1,
    });
    return marked.items.length > 0;
  }

  /** Revokes every bootstrap token (`ims serve --reset-admin-token`); returns how many. */
  async revokeBootstrapTokens(): Promise<number> {
    const marked = await this.deps.store.list(objectKey('oauth.openshift.io', 'oauthaccesstokens', '', ''), { filter: (value) => value.bootstrap === true });
    for (const item of marked.items)
      await this.deps.store.delete(item.key).catch((error: unknown) => {
        if (!isAppError(error, 'NotFound')) throw error;
      });
    return marked.items.length;
  }

  /** Deletes every expired token; returns how many. */
  async sweepExpired(): Promise<number> {
    const now = this.deps.clock.now().getTime();
    const expired = await this.deps.store.list(objectKey('oauth.openshift.io', 'oauthaccesstokens', '', ''), {
      filter: (value) => typeof value.expiresAt === 'string' && Date.parse(value.expiresAt) <= now,
    });
    for (const item of expired.items) await this.deps.store.delete(item.key).catch(() => {});
    return expired.items.length;
  }

  private async serviceAccountUid(namespace: string, name: string): Promise<string> {
    try {
      const account = (await this.deps.store.get(objectKey('', 'serviceaccounts', namespace, name))).value as { metadata?: { uid?: unknown } };
      if (typeof account.metadata?.uid === 'string' && account.metadata.uid !== '') return account.metadata.uid;
    } catch (error) {
      if (!isAppError(error, 'NotFound')) throw error;
    }
    // No account (or one without a uid) has nothing to bind to: a token for it could never be told apart from a later one.
    throw notFound('serviceaccounts', name);
  }

  /** Forgets a token (logout). Unknown tokens are ignored. */
  async revoke(token: string): Promise<void> {
    if (!token.startsWith(tokenPrefix)) return;
    await this.deps.store.delete(tokenKey(token)).catch((error: unknown) => {
      if (!isAppError(error, 'NotFound')) throw error;
    });
  }
}

export function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function tokenKey(token: string): string {
  return objectKey('oauth.openshift.io', 'oauthaccesstokens', '', `${tokenPrefix}${hashOf(token)}`);
}
