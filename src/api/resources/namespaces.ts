// core/v1 namespaces. Every new namespace gets OpenShift's default service accounts and role
// bindings (SPEC §8.3); deleting one removes everything it holds first.
import type { HookContext, ResourceDefinition } from '../resource-definition.ts';
import type { Namespace } from '../../kube/kinds/core.ts';
import { identityOf } from '../resource-definition.ts';
import { struct } from '../field-schema.ts';
import { kinds } from '../../kube/kinds.ts';
import { defaultNamespaceBindings, defaultServiceAccounts } from '../../auth/rbac/bootstrap-policy.ts';
import { formatTimestamp, objectKey } from '../../kube/object.ts';
import { isAppError } from '../../errors.ts';
import { randomUUID } from 'node:crypto';

export const namespaces: ResourceDefinition<Namespace> = {
  ...identityOf(kinds.namespaces),
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  nameRule: 'dns1123-label',
  fields: ['spec', 'status'],
  schema: {
    spec: struct('NamespaceSpec', { finalizers: ['string'] }),
    status: struct('NamespaceStatus', { phase: 'string', conditions: [{ type: 'string', status: 'string', reason: 'string', message: 'string', '*': true }] }),
  },
  hasStatus: true,
  defaults(object) {
    object.spec ??= { finalizers: ['kubernetes'] };
    object.status ??= { phase: 'Active' };
  },
  afterCreate: async (object, context) => provisionNamespace(object.metadata!.name!, context),
  beforeDelete: async (object, context) => emptyNamespace(object.metadata!.name!, context),
  table: {
    columns: [{ name: 'Status', type: 'string', description: 'The phase of the namespace.', priority: 0 }],
    cells: (object) => [object.status?.phase ?? 'Active'],
  },
};

/** Creates the default service accounts and bindings; existing ones are left as they are. */
export async function provisionNamespace(namespace: string, context: Pick<HookContext, 'store' | 'clock'>): Promise<void> {
  const now = formatTimestamp(context.clock.now());
  const createIfMissing = async (key: string, value: Record<string, unknown>) => {
    await context.store.create(key, value).catch((error: unknown) => {
      if (!isAppError(error, 'AlreadyExists')) throw error;
    });
  };
  for (const name of defaultServiceAccounts) {
    await createIfMissing(objectKey('', 'serviceaccounts', namespace, name), { metadata: { name, namespace, uid: randomUUID(), creationTimestamp: now } });
  }
  for (const binding of defaultNamespaceBindings(namespace)) {
    await createIfMissing(objectKey('rbac.authorization.k8s.io', 'rolebindings', namespace, binding.metadata.name), {
      ...binding,
      metadata: { ...binding.metadata, uid: randomUUID(), creationTimestamp: now },
    });
  }
}

async function emptyNamespace(namespace: string, context: HookContext): Promise<void> {
  for (const prefix of context.namespacedPrefixes(namespace)) {
    for (;;) {
      const page = await context.store.list(prefix, { limit: 500 });
      for (const item of page.items) {
        await context.store.delete(item.key).catch((error: unknown) => {
          if (!isAppError(error, 'NotFound')) throw error;
        });
      }
      if (!page.continue) break;
    }
  }
}
