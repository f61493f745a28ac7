// authorization.k8s.io/v1 reviews: SubjectAccessReview (may anyone do this?), LocalSubjectAccessReview
// (the same, in one namespace), SelfSubjectAccessReview (may I?, what `kubectl auth can-i` asks) and
// SelfSubjectRulesReview (what may I do here?, `can-i --list`). Each answers from this server's RBAC,
// in `status`, and stores nothing. Who may ask is RBAC's too: `create` on the review's resource.
import type { ResourceDefinition, ReviewServices, StorageDeps } from '../resource-definition.ts';
import type { RestStorage } from '../rest-storage.ts';
import type { RequestAttributes } from '../../auth/rbac/rbac-types.ts';
import type { UserInfo } from '../../auth/user.ts';
import type { PolicyRule } from '../../kube/kinds/rbac.ts';
import type {
  NonResourceRule,
  ResourceRule,
  SelfSubjectAccessReview,
  SelfSubjectRulesReview,
  SubjectAccessReview,
  SubjectAccessReviewStatus,
} from '../../kube/kinds/access-review.ts';
import type { FieldCause } from '../../errors.ts';
import { identityOf } from '../resource-definition.ts';
import { kinds } from '../../kube/kinds.ts';
import { AppError, invalid } from '../../errors.ts';
import { isPlainObject } from '../../kube/object.ts';
import { emptyMetadataProblems, reviewAnswer } from './review-metadata.ts';

const group = kinds.subjectAccessReviews.group;

const resourceFields = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'] as const;

export const subjectaccessreviews: ResourceDefinition<SubjectAccessReview> = {
  ...identityOf(kinds.subjectAccessReviews),
  verbs: ['create'],
  nameRule: 'path-segment',
  fields: ['spec', 'status'],
  storage: (deps) => accessReviewStorage(deps, 'SubjectAccessReview', false),
};

export const localsubjectaccessreviews: ResourceDefinition<SubjectAccessReview> = {
  ...identityOf(kinds.localSubjectAccessReviews),
  verbs: ['create'],
  nameRule: 'path-segment',
  fields: ['spec', 'status'],
  storage: (deps) => accessReviewStorage(deps, 'LocalSubjectAccessReview', true),
};

export const selfsubjectaccessreviews: ResourceDefinition<SelfSubjectAccessReview> = {
  ...identityOf(kinds.selfSubjectAccessReviews),
  verbs: ['create'],
  nameRule: 'path-segment',
  fields: ['spec', 'status'],
  storage: selfAccessReviewStorage,
};

export const selfsubjectrulesreviews: ResourceDefinition<SelfSubjectRulesReview> = {
  ...identityOf(kinds.selfSubjectRulesReviews),
  verbs: ['create'],
  nameRule: 'path-segment',
  fields: ['spec', 'status'],
  storage: selfRulesReviewStorage,
};

function reviewsOf(deps: StorageDeps): ReviewServices {
  if (!deps.services.reviews) throw new AppError('Unavailable', 'access reviews are not configured on this server');
  return deps.services.reviews;
}

function accessReviewStorage(deps: StorageDeps, kind: 'SubjectAccessReview' | 'LocalSubjectAccessReview', local: boolean): RestStorage {
  return {
    async create(context, body) {
      const spec = isPlainObject(body.spec) ? body.spec : {};
      const causes = [...emptyMetadataProblems(body, local), ...specProblems(spec, true)];
      if (local) {
        const resource = spec.resourceAttributes;
        const namespace = isPlainObject(resource) ? (resource.namespace ?? '') : undefined;
        if (spec.nonResourceAttributes !== undefined && spec.nonResourceAttributes !== null)
          causes.push({ reason: 'FieldValueInvalid', field: 'spec.nonResourceAttributes', message: 'disallowed on this kind of request' });
        // Kubernetes defaults an empty namespace to the request's, and refuses any other.
        if (isPlainObject(resource) && namespace === '') resource.namespace = context.namespace;
        else if (namespace !== undefined && namespace !== context.namespace)
          causes.push({
            reason: 'FieldValueInvalid',
            field: 'spec.resourceAttributes.namespace',
            message: `${JSON.stringify(namespace)}: must match metadata.namespace`,
          });
      }
      if (causes.length > 0) throw invalid(kind, '', causes, group);
      const user: UserInfo = {
        name: typeof spec.user === 'string' ? spec.user : '',
        groups: Array.isArray(spec.groups) ? (spec.groups as string[]) : [],
        ...(typeof spec.uid === 'string' && spec.uid ? { uid: spec.uid } : {}),
        ...(isPlainObject(spec.extra) ? { extra: spec.extra as Record<string, string[]> } : {}),
      };
      const reviews = reviewsOf(deps);
      const status = await decide((attributes) => reviews.authorize(user, attributes), attributesOf(spec));
      return reviewAnswer(body, local ? kinds.localSubjectAccessReviews : kinds.subjectAccessReviews, local ? context.namespace : undefined, { spec, status });
    },
  };
}

function selfAccessReviewStorage(): RestStorage {
  return {
    async create(context, body) {
      const spec = isPlainObject(body.spec) ? body.spec : {};
      const causes = specProblems(spec, false);
      if (causes.length > 0) throw invalid('SelfSubjectAccessReview', '', causes, group);
      const status = await decide(context.can, attributesOf(spec));
      return reviewAnswer(body, kinds.selfSubjectAccessReviews, undefined, { spec, status });
    },
  };
}

function selfRulesReviewStorage(deps: StorageDeps): RestStorage {
  return {
    async create(context, body) {
      const spec = isPlainObject(body.spec) ? body.spec : {};
      if (spec.namespace !== undefined && typeof spec.namespace !== 'string')
        throw invalid('SelfSubjectRulesReview', '', [{ reason: 'FieldValueInvalid', field: 'spec.namespace', message: 'must be a string' }], group);
      // As Kubernetes: the rules of a namespace, never of "everywhere".
      if (!spec.namespace) throw new AppError('BadRequest', 'no namespace on request');
      const reviews = reviewsOf(deps);
      let status: NonNullable<SelfSubjectRulesReview['status']>;
      try {
        const { rules, incomplete } = await reviews.rulesFor(context.user, spec.namespace);
        status = { ...splitRules(rules), incomplete };
      } catch {
        status = { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'the rules could not be read' };
      }
      return reviewAnswer(body, kinds.selfSubjectRulesReviews, undefined, { spec, status });
    },
  };
}

/** The authorizer's answer, or a denial with the reason it could not decide: a review itself never fails for that. */
async function decide(can: (attributes: RequestAttributes) => Promise<boolean>, attributes: RequestAttributes): Promise<SubjectAccessReviewStatus> {
  try {
    return { allowed: await can(attributes) };
  } catch {
    return { allowed: false, evaluationError: 'the authorizer could not decide' };
  }
}

/** Kubernetes' rules for a review's spec: exactly one kind of attributes, of the right types, and (for others) whom it is about. */
function specProblems(spec: Record<string, unknown>, aboutSomeone: boolean): FieldCause[] {
  const causes: FieldCause[] = [];
  const resource = spec.resourceAttributes ?? undefined;
  const nonResource = spec.nonResourceAttributes ?? undefined;
  if (resource === undefined && nonResource === undefined)
    causes.push({
      reason: 'FieldValueRequired',
      field: 'spec.resourceAttributes',
      message: 'exactly one of nonResourceAttributes or resourceAttributes must be specified',
    });
  if (resource !== undefined && nonResource !== undefined)
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.nonResourceAttributes', message: 'cannot be specified in combination with resourceAttributes' });
  if (resource !== undefined) causes.push(...stringFields(resource, 'spec.resourceAttributes', resourceFields));
  if (nonResource !== undefined) causes.push(...stringFields(nonResource, 'spec.nonResourceAttributes', ['path', 'verb']));
  if (!aboutSomeone) return causes;
  if (spec.user !== undefined && typeof spec.user !== 'string') causes.push({ reason: 'FieldValueInvalid', field: 'spec.user', message: 'must be a string' });
  if (spec.uid !== undefined && typeof spec.uid !== 'string') causes.push({ reason: 'FieldValueInvalid', field: 'spec.uid', message: 'must be a string' });
  if (spec.groups !== undefined && (!Array.isArray(spec.groups) || spec.groups.some((g) => typeof g !== 'string')))
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.groups', message: 'must be a list of group names' });
  if (spec.extra !== undefined && !isStringListMap(spec.extra))
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.extra', message: 'must map names to lists of strings' });
  const hasGroups = Array.isArray(spec.groups) && spec.groups.length > 0;
  if (!spec.user && !hasGroups)
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.user', message: '"": at least one of user or group must be specified' });
  return causes;
}

function stringFields(value: unknown, path: string, fields: readonly string[]): FieldCause[] {
  if (!isPlainObject(value)) return [{ reason: 'FieldValueInvalid', field: path, message: 'must be an object' }];
  return fields
    .filter((f) => value[f] !== undefined && typeof value[f] !== 'string')
    .map((f) => ({ reason: 'FieldValueInvalid', field: `${path}.${f}`, message: 'must be a string' }));
}

function isStringListMap(value: unknown): boolean {
  return isPlainObject(value) && Object.values(value).every((list) => Array.isArray(list) && list.every((item) => typeof item === 'string'));
}

/** The attributes a checked spec asks about, as the authorizer takes them (empty strings are "not given"). */
function attributesOf(spec: Record<string, unknown>): RequestAttributes {
  const text = (object: Record<string, unknown>, field: string) =>
    typeof object[field] === 'string' && object[field] !== '' ? (object[field] as string) : undefined;
  if (isPlainObject(spec.resourceAttributes)) {
    const r = spec.resourceAttributes;
    return {
      kind: 'resource',
      verb: text(r, 'verb') ?? '',
      apiGroup: text(r, 'group') ?? '',
      resource: text(r, 'resource') ?? '',
      subresource: text(r, 'subresource'),
      name: text(r, 'name'),
      namespace: text(r, 'namespace'),
    };
  }
  const n = spec.nonResourceAttributes as Record<string, unknown>;
  return { kind: 'nonResource', verb: text(n, 'verb') ?? '', path: text(n, 'path') ?? '' };
}

/** RBAC rules as SelfSubjectRulesReview reports them: resource rules and non-resource URL rules apart. */
function splitRules(rules: readonly PolicyRule[]): { resourceRules: ResourceRule[]; nonResourceRules: NonResourceRule[] } {
  const resourceRules: ResourceRule[] = [];
  const nonResourceRules: NonResourceRule[] = [];
  for (const rule of rules) {
    if (rule.nonResourceURLs?.length) nonResourceRules.push({ verbs: [...rule.verbs], nonResourceURLs: [...rule.nonResourceURLs] });
    if (rule.resources?.length) {
      resourceRules.push({
        verbs: [...rule.verbs],
        apiGroups: [...(rule.apiGroups ?? [])],
        resources: [...rule.resources],
        ...(rule.resourceNames?.length ? { resourceNames: [...rule.resourceNames] } : {}),
      });
    }
  }
  return { resourceRules, nonResourceRules };
}
