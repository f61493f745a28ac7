// The objects of rbac.authorization.k8s.io/v1: roles, their rules, and the bindings that grant them.
import type { KubeObject, ObjectMeta } from '../object.ts';

export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

export interface Subject {
  readonly kind: 'User' | 'Group' | 'ServiceAccount';
  readonly name: string;
  readonly namespace?: string;
  readonly apiGroup?: string;
}

export interface RoleRef {
  readonly apiGroup: string;
  readonly kind: 'Role' | 'ClusterRole';
  readonly name: string;
}

/** A Role, or (cluster-scoped) a ClusterRole. */
export interface Role extends KubeObject {
  metadata: ObjectMeta & { name: string };
  rules?: readonly PolicyRule[];
}

export interface ClusterRole extends Role {
  aggregationRule?: { readonly clusterRoleSelectors?: readonly unknown[] };
}

/** A RoleBinding, or (cluster-scoped) a ClusterRoleBinding. */
export interface RoleBinding extends KubeObject {
  metadata: ObjectMeta & { name: string };
  roleRef: RoleRef;
  subjects?: readonly Subject[];
}

export type ClusterRoleBinding = RoleBinding;
