// project.openshift.io/v1 projects: each namespace as the caller may see it. A project is read
// through its namespace; listing shows only the namespaces where the caller may get the project.
import type { KubeObject } from '../../kube/object.ts';
import type { ResourceDefinition, StorageDeps } from '../resource-definition.ts';
import type { RequestContext, RestStorage } from '../rest-storage.ts';
import type { Namespace } from '../../kube/kinds/core.ts';
import type { Project } from '../../kube/kinds/tenancy.ts';
import { namespaces } from './namespaces.ts';
import { projectSchema } from './tenancy-openapi.ts';
import { notFound } from '../../errors.ts';
import { identityOf } from '../resource-definition.ts';
import { kinds } from '../../kube/kinds.ts';

export const projectGroup = kinds.projects.group;

export function namespaceToProject(namespace: Namespace): Project {
  return {
    apiVersion: `${projectGroup}/v1`,
    kind: 'Project',
    metadata: namespace.metadata,
    spec: namespace.spec ?? { finalizers: ['kubernetes'] },
    status: namespace.status ?? { phase: 'Active' },
  };
}

export const projects: ResourceDefinition<Project> = {
  ...identityOf(kinds.projects),
  verbs: ['delete', 'get', 'list'],
  openApi: projectSchema,
  nameRule: 'dns1123-label',
  fields: ['spec', 'status'],
  storage: projectStorage,
  table: {
    columns: [
      { name: 'Display Name', type: 'string', description: 'The human-friendly name.', priority: 0 },
      { name: 'Status', type: 'string', description: 'The phase of the project.', priority: 0 },
    ],
    cells: (o) => [o.metadata?.annotations?.['openshift.io/display-name'] ?? '', o.status?.phase ?? 'Active'],
    noAge: true,
  },
};

function projectStorage(deps: StorageDeps): RestStorage {
  const namespaceStorage = () => deps.resources.storageFor(namespaces);
  const system = (context: RequestContext): RequestContext => ({ ...context, namespace: undefined });
  return {
    async get(context, name) {
      return namespaceToProject(
        await namespaceStorage().get!(system(context), name).catch(() => {
          throw notFound('projects', name, projectGroup);
        }),
      );
    },
    async list(context, query) {
      const all = await namespaceStorage().list!(system(context), { labelSelector: query.labelSelector, fieldName: query.fieldName });
      const visible: KubeObject[] = [];
      for (const namespace of all.items) {
        const name = namespace.metadata!.name!;
        if (await context.can({ kind: 'resource', verb: 'get', apiGroup: projectGroup, resource: 'projects', name, namespace: name }))
          visible.push(namespaceToProject(namespace));
      }
      return { apiVersion: `${projectGroup}/v1`, kind: 'ProjectList', metadata: { resourceVersion: all.metadata.resourceVersion }, items: visible };
    },
    async delete(context, name, options) {
      return namespaceToProject(
        await namespaceStorage().delete!(system(context), name, options).catch((error: unknown) => {
          throw (error as { kind?: string }).kind === 'NotFound' ? notFound('projects', name, projectGroup) : error;
        }),
      );
    },
  };
}
