// user.openshift.io/v1 users: `users/~` is whoever is asking; other users are recorded at first login.
import type { ResourceDefinition, StorageDeps } from '../resource-definition.ts';
import type { RestStorage } from '../rest-storage.ts';
import type { User } from '../../kube/kinds/tenancy.ts';
import { StoredResource } from '../stored-resource.ts';
import { identityOf } from '../resource-definition.ts';
import { kinds } from '../../kube/kinds.ts';
import { userSchema } from './tenancy-openapi.ts';

export const userGroup = kinds.users.group;

const storedUsers: ResourceDefinition<User> = {
  ...identityOf(kinds.users),
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  openApi: userSchema,
  nameRule: 'path-segment',
  fields: ['fullName', 'identities', 'groups'],
  schema: { fullName: 'string', identities: ['string'], groups: ['string'] },
};

export const users: ResourceDefinition<User> = {
  ...storedUsers,
  storage: userStorage,
  table: {
    columns: [
      { name: 'UID', type: 'string', description: 'The user id.', priority: 0 },
      { name: 'Full Name', type: 'string', description: 'The full name.', priority: 0 },
      { name: 'Identities', type: 'string', description: 'Identities.', priority: 0 },
    ],
    cells: (o) => [o.metadata?.uid ?? '', String(o.fullName ?? ''), (o.identities ?? []).join(', ')],
    noAge: true,
  },
};

function userStorage(deps: StorageDeps): RestStorage {
  const stored = new StoredResource(storedUsers, deps);
  return {
    async get(context, name) {
      if (name !== '~') return stored.get(context, name);
      return {
        apiVersion: `${userGroup}/v1`,
        kind: 'User',
        metadata: { name: context.user.name },
        groups: context.user.groups.filter(
          (g) => !g.startsWith('system:authenticated') && g !== 'system:serviceaccounts' && !g.startsWith('system:serviceaccounts:'),
        ),
      };
    },
    list: (context, query) => stored.list(context, query),
    create: (context, body, options) => stored.create(context, body, options),
    update: (context, name, body, options) => stored.update(context, name, body, options),
    delete: (context, name, options) => stored.delete(context, name, options),
  };
}
