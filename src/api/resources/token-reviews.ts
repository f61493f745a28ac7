// authentication.k8s.io/v1 reviews: TokenReview (whose is this token?, what a delegating API server
// or a webhook asks; `create tokenreviews` is system:auth-delegator's) and SelfSubjectReview (who am
// I?, `kubectl auth whoami`). Both answer from this server's own tokens and store nothing.
import type { ResourceDefinition, StorageDeps } from '../resource-definition.ts';
import type { RestStorage } from '../rest-storage.ts';
import type { UserInfo } from '../../auth/user.ts';
import type { ReviewUserInfo, SelfSubjectReview, TokenReview } from '../../kube/kinds/access-review.ts';
import { identityOf } from '../resource-definition.ts';
import { kinds } from '../../kube/kinds.ts';
import { AppError, invalid } from '../../errors.ts';
import { isPlainObject } from '../../kube/object.ts';
import { reviewAnswer } from './review-metadata.ts';

export const tokenreviews: ResourceDefinition<TokenReview> = {
  ...identityOf(kinds.tokenReviews),
  verbs: ['create'],
  nameRule: 'path-segment',
  fields: ['spec', 'status'],
  storage: tokenReviewStorage,
};

export const selfsubjectreviews: ResourceDefinition<SelfSubjectReview> = {
  ...identityOf(kinds.selfSubjectReviews),
  verbs: ['create'],
  nameRule: 'path-segment',
  fields: ['status'],
  storage: () => ({
    async create(context, body) {
      return reviewAnswer(body, kinds.selfSubjectReviews, undefined, { status: { userInfo: reviewUserInfo(context.user) } });
    },
  }),
};

function tokenReviewStorage(deps: StorageDeps): RestStorage {
  return {
    async create(_context, body) {
      const spec = isPlainObject(body.spec) ? body.spec : {};
      if (spec.token !== undefined && typeof spec.token !== 'string')
        throw invalid('TokenReview', '', [{ reason: 'FieldValueInvalid', field: 'spec.token', message: 'must be a string' }], kinds.tokenReviews.group);
      if (spec.audiences !== undefined && (!Array.isArray(spec.audiences) || spec.audiences.some((a) => typeof a !== 'string')))
        throw invalid(
          'TokenReview',
          '',
          [{ reason: 'FieldValueInvalid', field: 'spec.audiences', message: 'must be a list of strings' }],
          kinds.tokenReviews.group,
        );
      if (!spec.token) throw new AppError('BadRequest', 'token is required for TokenReview in authentication');
      const reviews = deps.services.reviews;
      if (!reviews) throw new AppError('Unavailable', 'token reviews are not configured on this server');
      const user = await reviews.authenticateToken(spec.token as string);
      // This server's tokens are bound to no audience, so they serve whichever audience the reviewer names.
      const audiences = (spec.audiences as string[] | undefined) ?? [];
      const status: TokenReview['status'] = user
        ? { authenticated: true, user: reviewUserInfo(user), ...(audiences.length ? { audiences } : {}) }
        : { user: {}, error: 'invalid bearer token' };
      // The token is the reviewer's secret and is never sent back.
      return reviewAnswer(body, kinds.tokenReviews, undefined, { spec: { ...spec, token: undefined }, status });
    },
  };
}

function reviewUserInfo(user: UserInfo): ReviewUserInfo {
  return {
    username: user.name,
    ...(user.uid ? { uid: user.uid } : {}),
    groups: [...user.groups],
    ...(user.extra && Object.keys(user.extra).length ? { extra: Object.fromEntries(Object.entries(user.extra).map(([k, v]) => [k, [...v]])) } : {}),
  };
}
