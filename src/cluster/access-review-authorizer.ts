// Delegated authorization: whether a user the cluster vouched for may do something here is asked of
// the cluster's RBAC with a SubjectAccessReview (`get imagestreams/layers` in a namespace to pull,
// `update` to push…), as an aggregated API server asks. Answers are kept briefly in a bounded cache,
// allowed and denied each with its own TTL; a cluster that cannot answer denies, and that is not kept.
import type { Authorizer } from '../auth/rbac/authorizer.ts';
import type { RequestAttributes } from '../auth/rbac/rbac-types.ts';
import type { UserInfo } from '../auth/user.ts';
import type { ClusterReviews } from './cluster-reviews.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { TtlCache } from '../lib/ttl-cache.ts';
import type { Counter } from '../lib/metrics.ts';

export interface AccessReviewAuthorizerDeps {
  readonly reviews: Pick<ClusterReviews, 'reviewAccess'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly allowedTtlMs: number;
  readonly deniedTtlMs: number;
  readonly maxEntries?: number;
  /** Counts the reviews actually sent, by `result` (allowed, denied, error). */
  readonly reviewsSent?: Pick<Counter, 'inc'>;
}

export class AccessReviewAuthorizer implements Authorizer {
  private readonly deps: AccessReviewAuthorizerDeps;
  private readonly answers: TtlCache<boolean>;

  constructor(deps: AccessReviewAuthorizerDeps) {
    this.deps = deps;
    this.answers = new TtlCache({ clock: deps.clock, maxEntries: deps.maxEntries ?? 10_000 });
  }

  async authorize(user: UserInfo, request: RequestAttributes): Promise<boolean> {
    // This server's own users and service accounts are this server's RBAC's alone.
    if (!user.vouchedBy) return false;
    const key = JSON.stringify([user.name, user.uid ?? '', user.groups, user.extra ?? {}, request]);
    try {
      return await this.answers.get(
        key,
        () => this.review(user, request),
        (allowed) => (allowed ? this.deps.allowedTtlMs : this.deps.deniedTtlMs),
      );
    } catch (error) {
      this.deps.logger.warn('subject access review failed', { user: user.name, error: (error as Error).message });
      return false;
    }
  }

  private async review(user: UserInfo, request: RequestAttributes): Promise<boolean> {
    try {
      const allowed = await this.deps.reviews.reviewAccess(user, request);
      this.deps.reviewsSent?.inc({ review: 'SubjectAccessReview', result: allowed ? 'allowed' : 'denied' });
      return allowed;
    } catch (error) {
      this.deps.reviewsSent?.inc({ review: 'SubjectAccessReview', result: 'error' });
      throw error;
    }
  }
}
