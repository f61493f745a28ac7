// apiextensions.k8s.io/v1 customresourcedefinitions, always empty and read-only: this server has no
// custom resources, but kubectl lists CRDs when a file names a kind discovery does not know (to tell
// "no matches for kind" from a CRD still being installed), and without this list it prints
// "failed to check CRD: … could not find the requested resource" instead of its usual message.
// Authorized like any resource: as in OpenShift, listing CRDs takes a grant (cluster-admin, or a
// role that names them); basic-user and discovery give none.
import type { KubeObject } from '../../kube/object.ts';
import type { ResourceDefinition } from '../resource-definition.ts';
import type { ApiWatchEvent } from '../rest-storage.ts';
import { identityOf } from '../resource-definition.ts';
import { kinds } from '../../kube/kinds.ts';
import { notFound } from '../../errors.ts';

const group = kinds.customResourceDefinitions.group;

export const customresourcedefinitions: ResourceDefinition = {
  ...identityOf(kinds.customResourceDefinitions),
  verbs: ['get', 'list', 'watch'],
  nameRule: 'path-segment',
  fields: ['spec', 'status'],
  storage: (deps) => ({
    async get(_context, name): Promise<KubeObject> {
      throw notFound('customresourcedefinitions', name, group);
    },
    async list() {
      const resourceVersion = await deps.store.currentResourceVersion();
      return { apiVersion: `${group}/v1`, kind: 'CustomResourceDefinitionList', metadata: { resourceVersion }, items: [] };
    },
    // Nothing will ever be added: the watch stays open, silent, until the client or the server ends it.
    async watch(context): Promise<AsyncIterable<ApiWatchEvent>> {
      return {
        async *[Symbol.asyncIterator]() {
          if (context.signal.aborted) return;
          await new Promise((resolve) => context.signal.addEventListener('abort', resolve, { once: true }));
        },
      };
    },
  }),
};
