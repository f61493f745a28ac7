// user.openshift.io/v1 groups: named sets of users. A user belongs to the groups that list it (and to
// any named on its User object); RBAC bindings to a group then apply to each member.
import type { Group } from '../../kube/kinds/tenancy.ts';
import { allVerbs, identityOf, type ResourceDefinition } from '../resource-definition.ts';
import { kinds } from '../../kube/kinds.ts';
import { groupSchema } from './tenancy-openapi.ts';

export const groups: ResourceDefinition<Group> = {
  ...identityOf(kinds.groups),
  verbs: allVerbs,
  openApi: groupSchema,
  nameRule: 'path-segment',
  fields: ['users'],
  schema: { users: ['string'] },
  defaults(object) {
    object.users ??= [];
  },
  validate(object) {
    const members = object.users;
    if (!Array.isArray(members) || members.some((user) => typeof user !== 'string' || user === '')) {
      return [{ reason: 'FieldValueInvalid', field: 'users', message: 'users must be a list of user names' }];
    }
    return [];
  },
  table: {
    columns: [{ name: 'Users', type: 'string', description: 'The members of the group.', priority: 0 }],
    cells: (o) => [(o.users ?? []).join(', ')],
  },
};
