// RBAC authorization read straight from the store: cluster role bindings, then the role bindings of
// the request's namespace. Decisions may be cached only until the next change to any RBAC object.
import type { ResourceStore } from '../../store/resource-store.ts';
import type { UserInfo } from '../user.ts';
import type { RequestAttributes } from './rbac-types.ts';
import type { PolicyRule, Role, RoleBinding } from '../../kube/kinds/rbac.ts';
import { ruleAllows, subjectMatches } from './rule-matching.ts';
import { kinds } from '../../kube/kinds.ts';
import { getKindValue, listKindValues } from '../../store/kind-values.ts';
import { isAppError } from '../../errors.ts';
import type { WatchedCache } from '../../store/watched-cache.ts';

export interface Authorizer {
  authorize(user: UserInfo, request: RequestAttributes): Promise<boolean>;
}

/** Allows what any of `authorizers` allows, asked in order (RBAC never denies outright, so none overrides another). */
export function anyAuthorizer(authorizers: readonly Authorizer[]): Authorizer {
  return {
    async authorize(user, request) {
      for (const authorizer of authorizers) if (await authorizer.authorize(user, request)) return true;
      return false;
    },
  };
}

export class RbacAuthorizer implements Authorizer {
  private readonly store: Pick<ResourceStore, 'get' | 'list'>;
  private readonly decisions?: WatchedCache<boolean>;

  /** With `decisions`, answers are cached until any RBAC object changes. */
  constructor(deps: { store: Pick<ResourceStore, 'get' | 'list'>; decisions?: WatchedCache<boolean> }) {
    this.store = deps.store;
    this.decisions = deps.decisions;
  }

  async authorize(user: UserInfo, request: RequestAttributes): Promise<boolean> {
    if (!this.decisions) return this.decide(user, request);
    // JSON keeps every part apart: a SubjectAccessReview names any user and groups it likes, and a
    // joined key would let groups ['a,b'] share a decision with ['a', 'b'].
    const key = JSON.stringify(
      request.kind === 'resource'
        ? [user.name, user.groups, request.verb, request.apiGroup, request.resource, request.subresource ?? '', request.name ?? '', request.namespace ?? '']
        : [user.name, user.groups, request.verb, `path:${request.path}`],
    );
    return this.decisions.get(key, () => this.decide(user, request));
  }

  private async decide(user: UserInfo, request: RequestAttributes): Promise<boolean> {
    const clusterBindings = await this.bindings(kinds.clusterRoleBindings, undefined);
    for (const binding of clusterBindings) {
      if (!binding.subjects?.some((s) => subjectMatches(s, user, undefined))) continue;
      if (binding.roleRef.kind !== 'ClusterRole') continue;
      if (await this.roleAllows('', binding.roleRef.name, 'ClusterRole', request)) return true;
    }
    const namespace = request.kind === 'resource' ? request.namespace : undefined;
    if (!namespace) return false;
    for (const binding of await this.bindings(kinds.roleBindings, namespace)) {
      if (!binding.subjects?.some((s) => subjectMatches(s, user, namespace))) continue;
      if (await this.roleAllows(namespace, binding.roleRef.name, binding.roleRef.kind, request)) return true;
    }
    return false;
  }

  /**
   * Every rule the user holds in `namespace` (cluster-wide ones included), as SelfSubjectRulesReview
   * lists them; a binding to a role that does not exist grants nothing.
   */
  async rulesFor(user: UserInfo, namespace: string): Promise<PolicyRule[]> {
    const rules: PolicyRule[] = [];
    for (const binding of await this.bindings(kinds.clusterRoleBindings, undefined)) {
      if (binding.roleRef.kind !== 'ClusterRole' || !binding.subjects?.some((s) => subjectMatches(s, user, undefined))) continue;
      rules.push(...(await this.rulesOf('', binding.roleRef.name, 'ClusterRole')));
    }
    for (const binding of await this.bindings(kinds.roleBindings, namespace)) {
      if (!binding.subjects?.some((s) => subjectMatches(s, user, namespace))) continue;
      rules.push(...(await this.rulesOf(namespace, binding.roleRef.name, binding.roleRef.kind)));
    }
    return rules;
  }

  private async bindings(kind: typeof kinds.roleBindings | typeof kinds.clusterRoleBindings, namespace: string | undefined): Promise<RoleBinding[]> {
    return (await listKindValues(this.store, kind, namespace)).items;
  }

  private async roleAllows(namespace: string, name: string, kind: 'Role' | 'ClusterRole', request: RequestAttributes): Promise<boolean> {
    return (await this.rulesOf(namespace, name, kind)).some((rule) => ruleAllows(rule, request));
  }

  private async rulesOf(namespace: string, name: string, kind: 'Role' | 'ClusterRole'): Promise<readonly PolicyRule[]> {
    let role: Role;
    try {
      role = await getKindValue(this.store, kind === 'ClusterRole' ? kinds.clusterRoles : kinds.roles, namespace, name);
    } catch (error) {
      if (isAppError(error, 'NotFound')) return [];
      throw error;
    }
    return role.rules ?? [];
  }
}

/** Kubernetes' wording of a denial, e.g. `User "x" cannot get resource "secrets" in API group "" in the namespace "y"`. */
export function describeDenial(user: UserInfo, request: RequestAttributes): string {
  if (request.kind === 'nonResource') return `User "${user.name}" cannot ${request.verb} path "${request.path}"`;
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  const scope = request.namespace ? `in the namespace "${request.namespace}"` : 'at the cluster scope';
  return `User "${user.name}" cannot ${request.verb} resource "${resource}" in API group "${request.apiGroup}" ${scope}`;
}
