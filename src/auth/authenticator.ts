// Finds who a request comes from: a bearer token (a user's or a service account's), Basic
// credentials whose password is a token (as the registry accepts), or nobody (anonymous).
import type { ResourceStore } from '../store/resource-store.ts';
import type { FoundToken, TokenService } from './tokens.ts';
import { hashOf } from './tokens.ts';
import type { Clock } from '../lib/clock.ts';
import type { WatchedCache } from '../store/watched-cache.ts';
import type { UserInfo } from './user.ts';
import { anonymousUser, loggedInUser, serviceAccountUser } from './user.ts';
import { unlessNotFound } from '../errors.ts';
import { objectKey, resourcePrefix, type ObjectMeta } from '../kube/object.ts';

export type Authentication =
  | { readonly kind: 'user'; readonly user: UserInfo; readonly token: string }
  | { readonly kind: 'anonymous'; readonly user: UserInfo }
  | { readonly kind: 'invalid'; readonly reason: string };

export interface AuthenticatorDeps {
  readonly tokens: Pick<TokenService, 'find'>;
  readonly store: Pick<ResourceStore, 'get' | 'list'>;
  readonly clock: Clock;
  /** Token hash → who it is and until when; emptied by any change to tokens, users, groups or service accounts. */
  readonly cache?: WatchedCache<{ user: UserInfo; expiresAt?: number } | null>;
}

export class Authenticator {
  private readonly deps: AuthenticatorDeps;

  constructor(deps: AuthenticatorDeps) {
    this.deps = deps;
  }

  async authenticate(authorization: string | null): Promise<Authentication> {
    if (!authorization) return { kind: 'anonymous', user: anonymousUser };
    const token = tokenFromHeader(authorization);
    if (token === undefined) return { kind: 'invalid', reason: 'unsupported authorization scheme' };
    if (token === '') return { kind: 'invalid', reason: 'failed to decode credentials' };
    if (token === 'anonymous') return { kind: 'anonymous', user: anonymousUser };
    const user = await this.userForToken(token);
    return user ? { kind: 'user', user, token } : { kind: 'invalid', reason: 'invalid or expired token' };
  }

  async userForToken(token: string): Promise<UserInfo | undefined> {
    // The hot path: the same token again, while nothing about tokens, users or accounts changed.
    const memo = this.recent.get(token);
    const version = this.deps.cache?.version ?? -1;
    if (memo && version >= 0 && memo.version === version && (memo.found?.expiresAt === undefined || memo.found.expiresAt > this.deps.clock.now().getTime()))
      return memo.found?.user;
    const load = () => this.resolve(token);
    const found = this.deps.cache ? await this.deps.cache.get(hashOf(token), load) : await load();
    if (version >= 0) {
      if (this.recent.size > 1000) this.recent.clear();
      this.recent.set(token, { version, found });
    }
    if (!found || (found.expiresAt !== undefined && found.expiresAt <= this.deps.clock.now().getTime())) return undefined;
    return found.user;
  }

  private readonly recent = new Map<string, { version: number; found: { user: UserInfo; expiresAt?: number } | null }>();

  private async resolve(token: string): Promise<{ user: UserInfo; expiresAt?: number } | null> {
    const found = await this.deps.tokens.find(token);
    if (!found) return null;
    const user = await this.userOf(found);
    return user ? { user, expiresAt: found.expiresAt } : null;
  }

  private async userOf({ subject, createdAt }: FoundToken): Promise<UserInfo | undefined> {
    if (subject.kind === 'serviceaccount') {
      const account = await this.serviceAccount(subject.namespace, subject.name);
      return account && isSameAccount(account, subject.uid, createdAt) ? serviceAccountUser(subject.namespace, subject.name) : undefined;
    }
    const groups = await this.groupsOf(subject.userName);
    return groups === undefined ? undefined : loggedInUser(subject.userName, groups);
  }

  /** The groups on the user's own object and every Group that lists the user; undefined: no such user. */
  private async groupsOf(userName: string): Promise<string[] | undefined> {
    const stored = await unlessNotFound(this.deps.store.get(objectKey('user.openshift.io', 'users', '', userName)));
    if (!stored) return undefined;
    const groups = (stored.value as { groups?: unknown }).groups;
    const own = Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [];
    const listed = await this.deps.store.list(resourcePrefix('user.openshift.io', 'groups'), {
      filter: (group) => Array.isArray(group.users) && group.users.includes(userName),
    });
    const names = listed.items.map((item) => (item.value as { metadata?: { name?: string } }).metadata?.name).filter((name): name is string => Boolean(name));
    return [...new Set([...own, ...names])];
  }

  private async serviceAccount(namespace: string, name: string): Promise<ObjectMeta | undefined> {
    const stored = await unlessNotFound(this.deps.store.get(objectKey('', 'serviceaccounts', namespace, name)));
    return stored && ((stored.value as { metadata?: ObjectMeta }).metadata ?? {});
  }
}

/**
 * Whether the service account that exists now is the one a token was issued to. A deleted account's
 * tokens stop working at once, and one created later under the same name does not revive them, as
 * in Kubernetes, whose tokens carry the account's uid. Tokens stored before tokens were bound carry
 * no uid: those stay valid only while the account is at least as old as the token, since a token
 * issued before the account was created cannot be its own (timestamps have whole seconds, so an
 * account re-created within the second of the token's issue is the one case this cannot tell; an
 * account or token with no time at all is judged by the account's existence alone).
 */
function isSameAccount(account: ObjectMeta, uid: string | undefined, tokenCreatedAt: number): boolean {
  if (uid !== undefined) return account.uid === uid;
  const accountCreatedAt = account.creationTimestamp ? Date.parse(account.creationTimestamp) : Number.NaN;
  return Number.isNaN(accountCreatedAt) || Number.isNaN(tokenCreatedAt) || accountCreatedAt <= tokenCreatedAt;
}

/** The token in `Bearer T` or `Basic base64(user:T)`; '' when Basic has no password; undefined for other schemes. */
export function tokenFromHeader(authorization: string): string | undefined {
  const [scheme, value = ''] = authorization.trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) return value;
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? '' : decoded.slice(colon + 1);
  }
  return undefined;
}

/** The user name and password of `Basic` credentials; undefined for another scheme or without a user name. */
export function basicCredentials(header: string | null): { user: string; password: string } | undefined {
  const match = /^basic\s+(.+)$/i.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
