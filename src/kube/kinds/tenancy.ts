// OpenShift's tenancy objects: projects (namespaces as a user sees them), project requests, users
// and groups (project.openshift.io/v1, user.openshift.io/v1).
import type { Namespace } from './core.ts';
import type { KubeObject } from '../object.ts';

export type Project = Namespace;

/** Self-service project creation (`new-project`). */
export interface ProjectRequest extends KubeObject {
  displayName?: string;
  description?: string;
}

export interface User extends KubeObject {
  fullName?: string;
  identities?: string[];
  groups?: string[];
}

export interface Group extends KubeObject {
  users: string[];
}
