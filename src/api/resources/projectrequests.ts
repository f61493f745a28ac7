// project.openshift.io/v1 projectrequests: self-service project creation (`new-project`). Creates the
// namespace with the requester's annotations and makes the requester its admin.
import type { ResourceDefinition, StorageDeps } from '../resource-definition.ts';
import type { RestStorage } from '../rest-storage.ts';
import type { ProjectRequest } from '../../kube/kinds/tenancy.ts';
import { identityOf } from '../resource-definition.ts';
import { kinds } from '../../kube/kinds.ts';
import { namespaces } from './namespaces.ts';
import { namespaceToProject, projectGroup } from './projects.ts';
import { rolebindings } from './rbac.ts';
import { AppError, invalid, isAppError, alreadyExists } from '../../errors.ts';
import { dns1123LabelProblems } from '../../kube/names.ts';
import { projectRequestSchema } from './tenancy-openapi.ts';

const reservedPrefixes = ['openshift-', 'kube-'];

export const projectrequests: ResourceDefinition<ProjectRequest> = {
  ...identityOf(kinds.projectRequests),
  verbs: ['create', 'list'],
  openApi: projectRequestSchema,
  nameRule: 'dns1123-label',
  fields: ['displayName', 'description'],
  schema: { displayName: 'string', description: 'string' },
  storage: projectRequestStorage,
};

function projectRequestStorage(deps: StorageDeps): RestStorage {
  return {
    async list() {
      // `oc` lists project requests only to learn whether it may create projects.
      return { apiVersion: 'v1', kind: 'Status', metadata: {}, items: [] };
    },
    async create(context, body, options) {
      const name = body.metadata?.name ?? '';
      const problems = dns1123LabelProblems(name);
      if (problems.length > 0 || name === '') {
        throw invalid(
          'ProjectRequest',
          name,
          [
            {
              reason: name ? 'FieldValueInvalid' : 'FieldValueRequired',
              field: 'metadata.name',
              message: name ? `${JSON.stringify(name)}: ${problems[0]}` : '',
            },
          ],
          projectGroup,
        );
      }
      const reserved = reservedPrefixes.find((prefix) => name.startsWith(prefix));
      if (reserved || name === 'default' || name === 'openshift') {
        throw new AppError('Forbidden', `cannot request a project ${reserved ? `starting with "${reserved}"` : `named "${name}"`}`);
      }
      const annotations: Record<string, string> = { 'openshift.io/requester': context.user.name };
      if (typeof body.displayName === 'string' && body.displayName) annotations['openshift.io/display-name'] = body.displayName;
      if (typeof body.description === 'string' && body.description) annotations['openshift.io/description'] = body.description;
      const system = { ...context, namespace: undefined };
      let namespace;
      try {
        namespace = await deps.resources.storageFor(namespaces).create!(
          system,
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name, annotations } },
          options,
        );
      } catch (error) {
        if (isAppError(error, 'AlreadyExists')) throw alreadyExists('projects', name, projectGroup);
        throw error;
      }
      if (!options.dryRun) {
        await deps.resources.storageFor(rolebindings).create!(
          { ...context, namespace: name, can: async () => true },
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'RoleBinding',
            metadata: { name: 'admin' },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
            subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: context.user.name }],
          },
          options,
        );
      }
      return namespaceToProject(namespace);
    },
  };
}
