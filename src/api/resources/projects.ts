// project.openshift.io/v1 projects: each namespace as the caller may see it. A project is read
// through its namespace; listing shows only the namespaces where the caller may get the project.
// Creating one creates its namespace, as openshift-apiserver's project proxy does: only for those
// RBAC lets create projects (cluster admins; everyone else asks through projectrequests), with no
// requester and no admin binding, which are what a ProjectRequest adds. An update may change only
// the display name and description (the rest is the namespace's, changed there).
import type { KubeObject } from '../../kube/object.ts';
import type { ResourceDefinition, StorageDeps } from '../resource-definition.ts';
import type { RequestContext, RestStorage } from '../rest-storage.ts';
import type { Namespace } from '../../kube/kinds/core.ts';
import type { Project } from '../../kube/kinds/tenancy.ts';
import type { FieldCause } from '../../errors.ts';
import { namespaces } from './namespaces.ts';
import { projectSchema } from './tenancy-openapi.ts';
import { alreadyExists, invalid, isAppError, notFound } from '../../errors.ts';
import { isPlainObject } from '../../kube/object.ts';
import { parseLabelSelector } from '../../kube/labels.ts';
import { identityOf } from '../resource-definition.ts';
import { kinds } from '../../kube/kinds.ts';
import { struct } from '../field-schema.ts';

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
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'],
  openApi: projectSchema,
  nameRule: 'dns1123-label',
  fields: ['spec', 'status'],
  schema: {
    spec: struct('ProjectSpec', { finalizers: ['string'] }),
    status: struct('ProjectStatus', { phase: 'string', conditions: true }),
  },
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
  const get = async (context: RequestContext, name: string) =>
    namespaceToProject(
      await namespaceStorage().get!(system(context), name).catch(() => {
        throw notFound('projects', name, projectGroup);
      }),
    );
  return {
    get,
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
    async create(context, body, options) {
      const metadata = { ...(body.metadata ?? {}) };
      delete metadata.namespace;
      const problems = projectProblems(metadata);
      if (problems.length > 0) throw invalid('Project', String(metadata.name ?? ''), problems, projectGroup);
      const given = isPlainObject(body.spec) && Array.isArray(body.spec.finalizers) ? body.spec.finalizers.map(String) : [];
      // The project strategy adds its own finalizer, and the namespace strategy Kubernetes'.
      const finalizers = [...new Set([...given, originFinalizer, 'kubernetes'])];
      try {
        return namespaceToProject(
          await namespaceStorage().create!(system(context), { apiVersion: 'v1', kind: 'Namespace', metadata, spec: { finalizers } }, options),
        );
      } catch (error) {
        if (isAppError(error, 'AlreadyExists')) throw alreadyExists('projects', String(metadata.name), projectGroup);
        throw error;
      }
    },
    async update(context, name, body, options) {
      const current = await get(context, name);
      const problems = projectUpdateProblems(body, current);
      if (problems.length > 0) throw invalid('Project', name, problems, projectGroup);
      const metadata = { ...current.metadata, annotations: { ...(isPlainObject(body.metadata?.annotations) ? body.metadata.annotations : {}) } };
      if (typeof body.metadata?.resourceVersion === 'string') metadata.resourceVersion = body.metadata.resourceVersion;
      const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata, spec: current.spec, status: current.status };
      return namespaceToProject(await namespaceStorage().update!(system(context), name, namespace, options));
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

const originFinalizer = 'openshift.io/origin';

/** OpenShift's rules for a new project beyond a namespace's (ValidateProject). */
function projectProblems(metadata: Record<string, unknown>): FieldCause[] {
  const problems: FieldCause[] = [];
  const name = metadata.name;
  if (typeof name === 'string' && name.length === 1)
    problems.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `${JSON.stringify(name)}: must be at least 2 characters long` });
  const annotations = isPlainObject(metadata.annotations) ? metadata.annotations : {};
  const displayName = annotations['openshift.io/display-name'];
  if (typeof displayName === 'string' && /[\n\t]/.test(displayName))
    problems.push({
      reason: 'FieldValueInvalid',
      field: 'metadata.annotations[openshift.io/display-name]',
      message: `${JSON.stringify(displayName)}: may not contain a new line or tab`,
    });
  const nodeSelector = annotations['openshift.io/node-selector'];
  if (typeof nodeSelector === 'string' && !isLabelSelector(nodeSelector))
    problems.push({ reason: 'FieldValueInvalid', field: 'nodeSelector', message: `${JSON.stringify(nodeSelector)}: must be a valid label selector` });
  return problems;
}

function isLabelSelector(text: string): boolean {
  try {
    parseLabelSelector(text);
    return true;
  } catch {
    return false;
  }
}

/** What a project update may change (ValidateProjectUpdate): its display name and description. */
const mutableAnnotations = new Set(['openshift.io/display-name', 'openshift.io/description']);

function projectUpdateProblems(body: KubeObject, current: KubeObject): FieldCause[] {
  const problems = projectProblems({ ...(body.metadata ?? {}), name: current.metadata?.name });
  const immutable = (field: string, value: unknown) =>
    problems.push({ reason: 'FieldValueInvalid', field, message: `${JSON.stringify(value)}: field is immutable, try updating the namespace` });
  const entries = (value: unknown) => (isPlainObject(value) ? (value as Record<string, unknown>) : {});
  const [newAnnotations, oldAnnotations] = [entries(body.metadata?.annotations), entries(current.metadata?.annotations)];
  for (const key of new Set([...Object.keys(newAnnotations), ...Object.keys(oldAnnotations)])) {
    if (!mutableAnnotations.has(key) && newAnnotations[key] !== oldAnnotations[key])
      immutable(`metadata.annotations[${key}]`, newAnnotations[key] ?? oldAnnotations[key]);
  }
  const [newLabels, oldLabels] = [entries(body.metadata?.labels), entries(current.metadata?.labels)];
  for (const key of new Set([...Object.keys(newLabels), ...Object.keys(oldLabels)])) {
    if (newLabels[key] !== oldLabels[key]) immutable(`metadata.labels[${key}]`, newLabels[key] ?? oldLabels[key]);
  }
  if (body.spec !== undefined && JSON.stringify(body.spec) !== JSON.stringify(current.spec))
    problems.push({ reason: 'FieldValueInvalid', field: 'spec.finalizers', message: 'field is immutable' });
  if (body.status !== undefined && JSON.stringify(body.status) !== JSON.stringify(current.status))
    problems.push({ reason: 'FieldValueInvalid', field: 'status', message: 'field is immutable' });
  return problems;
}
