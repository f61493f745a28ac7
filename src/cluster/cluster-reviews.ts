// What delegated authentication and authorization ask of a Kubernetes cluster: whose a bearer token
// is (TokenReview) and whether a user may do something (SubjectAccessReview). Two questions, so the
// authenticator and authorizer built on them can be tested without a cluster.
import type { UserInfo } from '../auth/user.ts';
import type { RequestAttributes } from '../auth/rbac/rbac-types.ts';

/** The cluster's answer about a token: who it is, or that it is nobody. */
export type TokenReviewResult = { readonly authenticated: true; readonly user: UserInfo } | { readonly authenticated: false };

export interface ClusterReviews {
  /** Throws when the cluster cannot be asked (unreachable, refuses the reviewer): no answer to keep. */
  reviewToken(token: string, signal?: AbortSignal): Promise<TokenReviewResult>;
  /** Whether the cluster's authorizer allows it; throws when the cluster cannot be asked. */
  reviewAccess(user: UserInfo, request: RequestAttributes, signal?: AbortSignal): Promise<boolean>;
}
