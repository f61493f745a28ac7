// Whether a policy rule covers a request, and whether a binding names a user: Kubernetes RBAC rules.
import type { RequestAttributes } from './rbac-types.ts';
import type { PolicyRule, Subject } from '../../kube/kinds/rbac.ts';
import type { UserInfo } from '../user.ts';
import { serviceAccountUserName } from '../user.ts';

export function ruleAllows(rule: PolicyRule, request: RequestAttributes): boolean {
  if (!includesOrStar(rule.verbs, request.verb)) return false;
  if (request.kind === 'nonResource') {
    return (rule.nonResourceURLs ?? []).some(
      (pattern) => pattern === '*' || pattern === request.path || (pattern.endsWith('*') && request.path.startsWith(pattern.slice(0, -1))),
    );
  }
  if (!includesOrStar(rule.apiGroups ?? [], request.apiGroup)) return false;
  if (!resourceMatches(rule.resources ?? [], request.resource, request.subresource)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (request.name !== undefined && names.includes(request.name));
}

function includesOrStar(values: readonly string[], wanted: string): boolean {
  return values.includes('*') || values.includes(wanted);
}

function resourceMatches(resources: readonly string[], resource: string, subresource: string | undefined): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const pattern of resources) {
    if (pattern === '*' || pattern === combined) return true;
    if (subresource && (pattern === `${resource}/*` || pattern === `*/${subresource}`)) return true;
  }
  return false;
}

export function subjectMatches(subject: Subject, user: UserInfo, bindingNamespace: string | undefined): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount':
      return serviceAccountUserName(subject.namespace ?? bindingNamespace ?? '', subject.name) === user.name;
    default:
      return false;
  }
}
