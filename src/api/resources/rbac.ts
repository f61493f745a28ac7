// rbac.authorization.k8s.io/v1 roles, clusterroles, rolebindings and clusterrolebindings, with the
// escalation rules of Kubernetes: nobody grants what they do not hold themselves.
import type { FieldCause } from '../../errors.ts';
import type { KubeObject } from '../../kube/object.ts';
import type { HookContext, ResourceDefinition } from '../resource-definition.ts';
import type { PolicyRule, RoleRef } from '../../kube/kinds/rbac.ts';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../kube/kinds/rbac.ts';
import { allVerbs, identityOf } from '../resource-definition.ts';
import { kinds } from '../../kube/kinds.ts';
import { AppError, isAppError, notFound } from '../../errors.ts';
import { isPlainObject, objectKey } from '../../kube/object.ts';
import { describeRulesNotHeld, rulesNotHeld } from '../../auth/rbac/rules-not-held.ts';
import { ageOf } from '../../kube/human-duration.ts';
import { dns1123SubdomainProblems } from '../../kube/names.ts';
import { struct } from '../field-schema.ts';
import { labelSelector } from '../schemas/core-types.ts';

const group = kinds.roles.group;
const bindableKinds = ['User', 'Group', 'ServiceAccount'];

const policyRule = struct('PolicyRule', {
  verbs: ['string'],
  apiGroups: ['string'],
  resources: ['string'],
  resourceNames: ['string'],
  nonResourceURLs: ['string'],
});
const bindingSchema = {
  roleRef: struct('RoleRef', { apiGroup: 'string', kind: 'string', name: 'string' }),
  subjects: [struct('Subject', { kind: 'string', apiGroup: 'string', name: 'string', namespace: 'string' })],
} as const;

function rulesCauses(object: KubeObject): FieldCause[] {
  const rules = object.rules;
  if (rules === undefined || rules === null) return [];
  if (!Array.isArray(rules)) return [{ reason: 'FieldValueInvalid', field: 'rules', message: 'must be a list' }];
  const causes: FieldCause[] = [];
  rules.forEach((rule: unknown, i: number) => {
    if (!isPlainObject(rule) || !Array.isArray(rule.verbs) || rule.verbs.length === 0) {
      causes.push({ reason: 'FieldValueRequired', field: `rules[${i}].verbs`, message: 'verbs must contain at least one value' });
      return;
    }
    const hasResources = Array.isArray(rule.resources) && rule.resources.length > 0;
    const hasUrls = Array.isArray(rule.nonResourceURLs) && rule.nonResourceURLs.length > 0;
    if (!hasResources && !hasUrls)
      causes.push({ reason: 'FieldValueRequired', field: `rules[${i}].resources`, message: 'resource rules must supply at least one resource' });
    if (hasUrls && object.metadata?.namespace)
      causes.push({ reason: 'FieldValueInvalid', field: `rules[${i}].nonResourceURLs`, message: 'namespaced rules cannot apply to non-resource URLs' });
  });
  return causes;
}

function bindingCauses(object: KubeObject, old: KubeObject | undefined, namespaced: boolean): FieldCause[] {
  const causes: FieldCause[] = [];
  const ref = object.roleRef;
  if (!isPlainObject(ref) || typeof ref.name !== 'string' || ref.name === '') causes.push({ reason: 'FieldValueRequired', field: 'roleRef.name', message: '' });
  else if (ref.apiGroup !== undefined && ref.apiGroup !== '' && ref.apiGroup !== group)
    causes.push({ reason: 'FieldValueNotSupported', field: 'roleRef.apiGroup', message: `${JSON.stringify(ref.apiGroup)}: supported values: "${group}"` });
  else if (!(namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole']).includes(ref.kind as string)) {
    causes.push({
      reason: 'FieldValueNotSupported',
      field: 'roleRef.kind',
      message: `${JSON.stringify(ref.kind)}: supported values: ${namespaced ? '"Role", "ClusterRole"' : '"ClusterRole"'}`,
    });
  }
  if (old && JSON.stringify(old.roleRef) !== JSON.stringify(object.roleRef))
    causes.push({ reason: 'FieldValueInvalid', field: 'roleRef', message: 'cannot change roleRef' });
  const subjects = object.subjects ?? [];
  if (!Array.isArray(subjects)) return [...causes, { reason: 'FieldValueInvalid', field: 'subjects', message: 'must be a list' }];
  subjects.forEach((subject: unknown, i: number) => {
    if (!isPlainObject(subject) || typeof subject.name !== 'string' || subject.name === '')
      causes.push({ reason: 'FieldValueRequired', field: `subjects[${i}].name`, message: '' });
    else if (!bindableKinds.includes(subject.kind as string))
      causes.push({
        reason: 'FieldValueNotSupported',
        field: `subjects[${i}].kind`,
        message: `${JSON.stringify(subject.kind)}: supported values: "User", "Group", "ServiceAccount"`,
      });
    else if (subject.kind === 'ServiceAccount' && !namespaced && !subject.namespace)
      causes.push({ reason: 'FieldValueRequired', field: `subjects[${i}].namespace`, message: '' });
    else causes.push(...subjectCauses(subject, `subjects[${i}]`));
  });
  return causes;
}

/**
 * A subject's API group and name, as Kubernetes validates them: an empty group is what its kind
 * defaults to, any other must be that one; a service account's name is a DNS subdomain.
 */
function subjectCauses(subject: Record<string, unknown>, field: string): FieldCause[] {
  const expected = subject.kind === 'ServiceAccount' ? '' : group;
  const causes: FieldCause[] = [];
  if (subject.apiGroup !== undefined && subject.apiGroup !== '' && subject.apiGroup !== expected)
    causes.push({
      reason: 'FieldValueNotSupported',
      field: `${field}.apiGroup`,
      message: `${JSON.stringify(subject.apiGroup)}: supported values: "${expected}"`,
    });
  if (subject.kind === 'ServiceAccount')
    for (const problem of dns1123SubdomainProblems(subject.name as string))
      causes.push({ reason: 'FieldValueInvalid', field: `${field}.name`, message: `${JSON.stringify(subject.name)}: ${problem}` });
  return causes;
}

/** Refuses a role with permissions the caller does not hold, unless the caller may `escalate` roles, as Kubernetes does. */
async function admitRole(object: KubeObject, context: HookContext, resource: 'roles' | 'clusterroles'): Promise<void> {
  const namespace = object.metadata?.namespace;
  if (await context.can({ kind: 'resource', verb: 'escalate', apiGroup: group, resource, namespace, name: object.metadata?.name })) return;
  const missing = await rulesNotHeld((object.rules ?? []) as PolicyRule[], namespace, context.can);
  if (missing.length > 0) throw forbidden(resource, object, describeRulesNotHeld(context.user, missing));
}

/**
 * Kubernetes' escalation check for bindings, on create and on every update: the caller may `bind`
 * the role, or holds every permission of it where the binding applies (a RoleBinding to a
 * ClusterRole grants its rules only in the binding's namespace, so only there need they be held).
 * A role that does not exist is refused unless the caller may `bind` it: there is nothing to compare.
 */
async function admitBinding(object: KubeObject, context: HookContext, resource: 'rolebindings' | 'clusterrolebindings'): Promise<void> {
  const ref = object.roleRef as RoleRef;
  const namespace = object.metadata?.namespace;
  const roleResource = ref.kind === 'Role' ? 'roles' : 'clusterroles';
  if (await context.can({ kind: 'resource', verb: 'bind', apiGroup: group, resource: roleResource, name: ref.name, namespace })) return;
  const missing = await rulesNotHeld(await referencedRules(context, ref, namespace), namespace, context.can);
  if (missing.length > 0) throw forbidden(resource, object, describeRulesNotHeld(context.user, missing));
}

/** The rules of the role a binding names; NotFound as Kubernetes words it when there is no such role. */
async function referencedRules(context: HookContext, ref: RoleRef, namespace: string | undefined): Promise<PolicyRule[]> {
  const roleResource = ref.kind === 'Role' ? 'roles' : 'clusterroles';
  try {
    const role = (await context.store.get(objectKey(group, roleResource, ref.kind === 'Role' ? (namespace ?? '') : '', ref.name))).value as {
      rules?: PolicyRule[];
    };
    return role.rules ?? [];
  } catch (error) {
    if (isAppError(error, 'NotFound')) throw notFound(roleResource, ref.name, group);
    throw error;
  }
}

function forbidden(resource: string, object: KubeObject, reason: string): AppError {
  const name = object.metadata?.name ?? '';
  return new AppError('Forbidden', `${resource}.${group} ${JSON.stringify(name)} is forbidden: ${reason}`, { subject: { name, group, kind: resource } });
}

const common = { verbs: allVerbs, nameRule: 'path-segment' } as const;

export const roles: ResourceDefinition<Role> = {
  ...identityOf(kinds.roles),
  ...common,
  fields: ['rules'],
  schema: { rules: [policyRule] },
  validate: rulesCauses,
  admit: (object, _old, context) => admitRole(object, context, 'roles'),
  table: {
    columns: [{ name: 'Created At', type: 'string', description: 'When the role was created.', priority: 0 }],
    cells: (o) => [o.metadata?.creationTimestamp ?? ''],
    noAge: true,
  },
};

export const clusterroles: ResourceDefinition<ClusterRole> = {
  ...identityOf(kinds.clusterRoles),
  ...common,
  fields: ['rules', 'aggregationRule'],
  schema: { rules: [policyRule], aggregationRule: struct('AggregationRule', { clusterRoleSelectors: [labelSelector] }) },
  validate: rulesCauses,
  admit: (object, _old, context) => admitRole(object, context, 'clusterroles'),
  table: {
    columns: [{ name: 'Created At', type: 'string', description: 'When the role was created.', priority: 0 }],
    cells: (o) => [o.metadata?.creationTimestamp ?? ''],
    noAge: true,
  },
};

// Kubernetes' own order: AGE comes before the wide columns, not last.
const bindingTable = {
  columns: [
    { name: 'Role', type: 'string', description: 'The role bound.', priority: 0 },
    { name: 'Age', type: 'string', description: 'Time since the object was created.', priority: 0 },
    { name: 'Users', type: 'string', description: 'Users bound.', priority: 1 },
    { name: 'Groups', type: 'string', description: 'Groups bound.', priority: 1 },
    { name: 'ServiceAccounts', type: 'string', description: 'Service accounts bound.', priority: 1 },
  ],
  cells: (object: KubeObject, now: Date) => {
    const ref = object.roleRef as { kind?: string; name?: string } | undefined;
    const subjects = (object.subjects ?? []) as { kind: string; name: string; namespace?: string }[];
    const of = (kind: string) =>
      subjects
        .filter((s) => s.kind === kind)
        .map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name))
        .join(', ');
    return [`${ref?.kind ?? ''}/${ref?.name ?? ''}`, ageOf(object.metadata?.creationTimestamp, now), of('User'), of('Group'), of('ServiceAccount')];
  },
  noAge: true,
} as const;

export const rolebindings: ResourceDefinition<RoleBinding> = {
  ...identityOf(kinds.roleBindings),
  ...common,
  fields: ['roleRef', 'subjects'],
  schema: bindingSchema,
  validate: (object, old) => bindingCauses(object, old, true),
  admit: (object, _old, context) => admitBinding(object, context, 'rolebindings'),
  table: bindingTable,
};

export const clusterrolebindings: ResourceDefinition<ClusterRoleBinding> = {
  ...identityOf(kinds.clusterRoleBindings),
  ...common,
  fields: ['roleRef', 'subjects'],
  schema: bindingSchema,
  validate: (object, old) => bindingCauses(object, old, false),
  admit: (object, _old, context) => admitBinding(object, context, 'clusterrolebindings'),
  table: bindingTable,
};
