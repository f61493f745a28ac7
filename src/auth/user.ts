// Who is making a request, as authentication found it.

export interface UserInfo {
  readonly name: string;
  readonly groups: readonly string[];
  readonly uid?: string;
  readonly extra?: Readonly<Record<string, readonly string[]>>;
  /**
   * Who vouched for the user when it was not this server's own token: a cluster's TokenReview, or a
   * front proxy's headers. Only such users are asked about in the cluster's RBAC, so that a name
   * minted here (a project's service account) never borrows a cluster identity's rights.
   */
  readonly vouchedBy?: 'cluster' | 'front-proxy';
}

export const anonymousUser: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

export function serviceAccountUserName(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return {
    name: serviceAccountUserName(namespace, name),
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}

/** Users who logged in (bootstrap token or password) belong to these groups, as OAuth users do in OpenShift. */
export function loggedInUser(name: string, extraGroups: readonly string[] = []): UserInfo {
  return { name, groups: [...extraGroups, 'system:authenticated', 'system:authenticated:oauth'] };
}
