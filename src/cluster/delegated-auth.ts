// Delegated authentication and authorization against the configured cluster: the TokenReview
// authenticator and the SubjectAccessReview authorizer over one client-node connection, each with
// its brief cache. The composition root puts them after this server's own tokens and RBAC.
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Counter } from '../lib/metrics.ts';
import type { ClusterConnection } from './kube-config.ts';
import { loadKubeConfig } from './kube-config.ts';
import { TokenReviewAuthenticator } from './token-review-authenticator.ts';
import { AccessReviewAuthorizer } from './access-review-authorizer.ts';

/** How long the cluster's answers are kept, by kind of answer. */
export interface DelegatedCacheTtls {
  readonly authenticatedTtlMs: number;
  readonly unauthenticatedTtlMs: number;
  readonly allowedTtlMs: number;
  readonly deniedTtlMs: number;
}

export interface DelegatedAuth {
  readonly authenticator: TokenReviewAuthenticator;
  readonly authorizer: AccessReviewAuthorizer;
}

export async function delegatedAuth(
  connection: ClusterConnection,
  cache: DelegatedCacheTtls,
  deps: { readonly clock: Clock; readonly logger: Logger; readonly reviewsSent?: Pick<Counter, 'inc'> },
): Promise<DelegatedAuth> {
  const config = await loadKubeConfig(connection);
  const { KubeClusterReviews } = await import('./kube-cluster-reviews.ts');
  const reviews = new KubeClusterReviews(config);
  deps.logger.info('delegating authentication and authorization', { cluster: config.getCurrentCluster()?.server });
  return {
    authenticator: new TokenReviewAuthenticator({
      reviews,
      ...deps,
      authenticatedTtlMs: cache.authenticatedTtlMs,
      unauthenticatedTtlMs: cache.unauthenticatedTtlMs,
    }),
    authorizer: new AccessReviewAuthorizer({ reviews, ...deps, allowedTtlMs: cache.allowedTtlMs, deniedTtlMs: cache.deniedTtlMs }),
  };
}
