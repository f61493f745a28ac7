// Kubernetes user impersonation (`kubectl --as USER --as-group G`): the Impersonate-* headers make a
// request act as another user, once RBAC allows the caller `impersonate` on that user (or service
// account), each group, the uid and each extra value. A request carrying them is never served as
// the caller: either the impersonation is allowed, or it is refused.
import type { Authorizer } from '../auth/rbac/authorizer.ts';
import type { RequestAttributes } from '../auth/rbac/rbac-types.ts';
import type { UserInfo } from '../auth/user.ts';
import { anonymousUser } from '../auth/user.ts';
import { describeDenial } from '../auth/rbac/authorizer.ts';
import { AppError } from '../errors.ts';

const extraPrefix = 'impersonate-extra-';

/** The user a request acts as: the caller, or whom its Impersonate-* headers name once the caller may act as them. */
export async function impersonatedUser(caller: UserInfo, headers: Headers, authorizer: Authorizer): Promise<UserInfo> {
  const name = headers.get('impersonate-user');
  // Headers joins repeated ones with ", ": kubectl sends one Impersonate-Group per --as-group.
  const groups = splitValues(headers.get('impersonate-group'));
  const uid = headers.get('impersonate-uid');
  const extra: Record<string, string[]> = {};
  headers.forEach((value, header) => {
    if (header.startsWith(extraPrefix)) extra[decodeKey(header.slice(extraPrefix.length))] = splitValues(value);
  });
  if (name === null) {
    if (groups.length > 0 || uid !== null || Object.keys(extra).length > 0)
      throw new AppError('BadRequest', 'impersonating groups, a uid or extras needs Impersonate-User too');
    return caller;
  }
  if (name === '') throw new AppError('BadRequest', 'Impersonate-User must name a user');
  const account = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(name);
  const checks: { request: RequestAttributes; what: string }[] = [
    account
      ? { request: impersonate('', 'serviceaccounts', account[2], account[1]), what: `serviceaccounts "${account[2]}"` }
      : { request: impersonate('', 'users', name), what: `users "${name}"` },
    ...groups.map((group) => ({ request: impersonate('', 'groups', group), what: `groups "${group}"` })),
    ...(uid !== null ? [{ request: impersonate('authentication.k8s.io', 'uids', uid), what: `uids.authentication.k8s.io "${uid}"` }] : []),
    ...Object.entries(extra).flatMap(([key, values]) =>
      values.map((value) => ({
        request: impersonate('authentication.k8s.io', `userextras/${key}`, value),
        what: `userextras.authentication.k8s.io "${value}"`,
      })),
    ),
  ];
  for (const check of checks) {
    if (!(await authorizer.authorize(caller, check.request)))
      throw new AppError('Forbidden', `${check.what} is forbidden: ${describeDenial(caller, check.request)}`);
  }
  return {
    name,
    groups: impersonatedGroups(name, groups, account?.[1]),
    ...(uid ? { uid } : {}),
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}

/** As Kubernetes: a service account named without groups gets its own; everyone but anonymous is authenticated. */
function impersonatedGroups(name: string, asked: readonly string[], accountNamespace: string | undefined): string[] {
  if (accountNamespace !== undefined && asked.length === 0)
    return ['system:serviceaccounts', `system:serviceaccounts:${accountNamespace}`, 'system:authenticated'];
  const marker = name === anonymousUser.name ? 'system:unauthenticated' : 'system:authenticated';
  return asked.includes(marker) ? [...asked] : [...asked, marker];
}

function impersonate(apiGroup: string, combined: string, name: string, namespace?: string): RequestAttributes {
  const slash = combined.indexOf('/');
  return {
    kind: 'resource',
    verb: 'impersonate',
    apiGroup,
    resource: slash < 0 ? combined : combined.slice(0, slash),
    ...(slash < 0 ? {} : { subresource: combined.slice(slash + 1) }),
    name,
    ...(namespace ? { namespace } : {}),
  };
}

function splitValues(value: string | null): string[] {
  return value === null
    ? []
    : value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
}

/** Extra keys are percent-encoded in header names; a malformed escape is kept as written. */
function decodeKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded).toLowerCase();
  } catch {
    return encoded.toLowerCase();
  }
}
