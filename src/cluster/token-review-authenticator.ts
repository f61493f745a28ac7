// Delegated authentication: a bearer token this server does not know is asked about in a cluster's
// TokenReview, as an aggregated API server does. Answers are kept briefly (authenticated and not,
// each with its own TTL, in a bounded cache keyed by the token's hash); a cluster that cannot
// answer fails the request as unauthenticated, and that is not kept.
import type { Authentication } from '../auth/authenticator.ts';
import type { ClusterReviews, TokenReviewResult } from './cluster-reviews.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { hashOf } from '../auth/tokens.ts';
import { anonymousUser } from '../auth/user.ts';
import { tokenFromHeader } from '../auth/authenticator.ts';
import { TtlCache } from '../lib/ttl-cache.ts';
import type { Counter } from '../lib/metrics.ts';

export interface TokenReviewAuthenticatorDeps {
  readonly reviews: Pick<ClusterReviews, 'reviewToken'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long the cluster's answer is kept: for a token it knows, and for one it does not. */
  readonly authenticatedTtlMs: number;
  readonly unauthenticatedTtlMs: number;
  readonly maxEntries?: number;
  /** Counts the reviews actually sent, by `result` (authenticated, unauthenticated, error). */
  readonly reviewsSent?: Pick<Counter, 'inc'>;
}

export class TokenReviewAuthenticator {
  private readonly deps: TokenReviewAuthenticatorDeps;
  private readonly answers: TtlCache<TokenReviewResult>;

  constructor(deps: TokenReviewAuthenticatorDeps) {
    this.deps = deps;
    this.answers = new TtlCache({ clock: deps.clock, maxEntries: deps.maxEntries ?? 10_000 });
  }

  async authenticate(authorization: string | null): Promise<Authentication> {
    if (!authorization) return { kind: 'anonymous', user: anonymousUser };
    const token = tokenFromHeader(authorization);
    if (token === undefined) return { kind: 'invalid', reason: 'unsupported authorization scheme' };
    if (token === '') return { kind: 'invalid', reason: 'failed to decode credentials' };
    let answer: TokenReviewResult;
    try {
      answer = await this.answers.get(
        hashOf(token),
        () => this.review(token),
        (a) => (a.authenticated ? this.deps.authenticatedTtlMs : this.deps.unauthenticatedTtlMs),
      );
    } catch (error) {
      this.deps.logger.warn('token review failed', { error: (error as Error).message });
      return { kind: 'invalid', reason: 'the cluster could not review the token' };
    }
    return answer.authenticated ? { kind: 'user', user: answer.user, token } : { kind: 'invalid', reason: 'invalid or expired token' };
  }

  private async review(token: string): Promise<TokenReviewResult> {
    try {
      const answer = await this.deps.reviews.reviewToken(token);
      this.deps.reviewsSent?.inc({ review: 'TokenReview', result: answer.authenticated ? 'authenticated' : 'unauthenticated' });
      return answer;
    } catch (error) {
      this.deps.reviewsSent?.inc({ review: 'TokenReview', result: 'error' });
      throw error;
    }
  }
}
