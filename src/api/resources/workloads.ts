// The workload kinds image streams act on: stored as given (nothing runs them), with their pod
// specs checked so that image lookup and triggers can rely on containers having a name and an image.
// The fields they and kubectl read are typed (schemas/workload-specs.ts); the rest is kept as sent.
import type { FieldCause } from '../../errors.ts';
import type { KubeObject } from '../../kube/object.ts';
import type { KindIdentity } from '../../kube/kinds.ts';
import type { ResourceDefinition, TableDefinition } from '../resource-definition.ts';
import { allVerbs, identityOf } from '../resource-definition.ts';
import { kinds } from '../../kube/kinds.ts';
import { isPlainObject } from '../../kube/object.ts';
import { podSpecCauses, podTemplateCauses } from '../admission/pod-template.ts';
import { admitWorkloadImages, triggerCauses, workloadDefaults } from '../admission/workload-images.ts';
import { admitPodServiceAccount } from '../admission/service-account.ts';
import { containersOf as allContainersOf } from '../../image/pod-spec.ts';
import { workloadSpecCauses } from '../admission/workload-spec.ts';
import { workloadSchemas } from '../schemas/workload-specs.ts';

type Spec = Record<string, unknown>;
const specOf = (object: KubeObject): Spec => (isPlainObject(object.spec) ? object.spec : {});
const statusOf = (object: KubeObject): Spec => (isPlainObject(object.status) ? object.status : {});

/** The regular containers of a workload, for its table. */
function containersOf(object: KubeObject): { name?: string; image?: string }[] {
  return allContainersOf(object as Record<string, unknown>, object.kind as string)
    .filter((c) => c.list === 'containers')
    .map((c) => c.container);
}

const wideContainerColumns = [
  { name: 'Containers', type: 'string', description: 'Names of the containers.', priority: 1 },
  { name: 'Images', type: 'string', description: 'Images of the containers.', priority: 1 },
] as const;
const wideContainerCells = (object: KubeObject) => {
  const containers = containersOf(object);
  return [containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(',')];
};

function replicatedTable(extra: { readyOf: (o: KubeObject) => string }): TableDefinition {
  return {
    columns: [
      { name: 'Ready', type: 'string', description: 'Ready replicas of desired.', priority: 0 },
      { name: 'Up-to-date', type: 'integer', description: 'Updated replicas.', priority: 0 },
      { name: 'Available', type: 'integer', description: 'Available replicas.', priority: 0 },
      ...wideContainerColumns,
    ],
    cells: (o) => [extra.readyOf(o), Number(statusOf(o).updatedReplicas ?? 0), Number(statusOf(o).availableReplicas ?? 0), ...wideContainerCells(o)],
  };
}

/** DESIRED, CURRENT, READY: the table of ReplicationControllers and ReplicaSets. */
const replicaCountTable: TableDefinition = {
  columns: [
    { name: 'Desired', type: 'integer', description: 'Desired replicas.', priority: 0 },
    { name: 'Current', type: 'integer', description: 'Current replicas.', priority: 0 },
    { name: 'Ready', type: 'integer', description: 'Ready replicas.', priority: 0 },
    ...wideContainerColumns,
  ],
  cells: (o) => [Number(specOf(o).replicas ?? 1), Number(statusOf(o).replicas ?? 0), Number(statusOf(o).readyReplicas ?? 0), ...wideContainerCells(o)],
};

const readyOfReplicas = (o: KubeObject) => `${Number(statusOf(o).readyReplicas ?? 0)}/${Number(specOf(o).replicas ?? 1)}`;

function templateCauses(path: string): (object: KubeObject) => FieldCause[] {
  return (object) => {
    let node: unknown = object;
    const steps = path.split('.');
    for (const step of steps) node = isPlainObject(node) ? node[step] : undefined;
    return podTemplateCauses(node, path);
  };
}

function selectorCauses(object: KubeObject): FieldCause[] {
  const spec = specOf(object);
  const selector = spec.selector;
  if (!isPlainObject(selector)) return [{ reason: 'FieldValueRequired', field: 'spec.selector', message: '' }];
  const template = isPlainObject(spec.template) ? spec.template : {};
  const labels = (isPlainObject(template.metadata) && isPlainObject(template.metadata.labels) ? template.metadata.labels : {}) as Record<string, string>;
  const matchLabels = (isPlainObject(selector.matchLabels) ? selector.matchLabels : {}) as Record<string, string>;
  for (const [key, value] of Object.entries(matchLabels)) {
    if (labels[key] !== value)
      return [
        {
          reason: 'FieldValueInvalid',
          field: 'spec.template.metadata.labels',
          message: `${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``,
        },
      ];
  }
  return [];
}

const workload = (identity: KindIdentity, extra: Partial<ResourceDefinition>): ResourceDefinition => ({
  ...identityOf(identity),
  verbs: allVerbs,
  nameRule: 'dns1123-subdomain',
  fields: ['spec', 'status'],
  schema: workloadSchemas[identity.kind],
  hasGeneration: identity.kind !== 'Pod',
  hasStatus: true,
  categories: ['all'],
  ...extra,
  // Pull policies are defaulted before image lookup rewrites a reference, as Kubernetes does (SPEC §10).
  defaults(object, old) {
    extra.defaults?.(object, old);
    workloadDefaults(object, identity.kind);
  },
  validate: (object, old) => [...(extra.validate?.(object, old) ?? []), ...workloadSpecCauses(object, identity.kind), ...triggerCauses(object, identity.kind)],
  admit: async (object, old, context) => {
    // Only a new pod: a pod's service account and pull secrets cannot change once it exists.
    if (identity.kind === 'Pod' && !old) await admitPodServiceAccount(object, context);
    await admitWorkloadImages(object, old, identity.kind, context);
  },
});

export const pods = workload(kinds.pods, {
  validate: (o) => podSpecCauses(o.spec, 'spec'),
  defaults(o) {
    o.status ??= { phase: 'Pending' };
  },
  table: {
    columns: [
      { name: 'Ready', type: 'string', description: 'Ready containers of all.', priority: 0 },
      { name: 'Status', type: 'string', description: 'The phase of the pod.', priority: 0 },
      { name: 'Restarts', type: 'string', description: 'Container restarts.', priority: 0 },
      ...wideContainerColumns,
    ],
    cells: (o) => [`0/${containersOf(o).length}`, String(statusOf(o).phase ?? 'Pending'), '0', ...wideContainerCells(o)],
  },
});

export const replicationcontrollers = workload(kinds.replicationControllers, {
  validate: templateCauses('spec.template'),
  table: replicaCountTable,
});

export const deployments = workload(kinds.deployments, {
  validate: (o) => [...selectorCauses(o), ...templateCauses('spec.template')(o)],
  table: replicatedTable({ readyOf: readyOfReplicas }),
});

export const statefulsets = workload(kinds.statefulSets, {
  validate: (o) => [...selectorCauses(o), ...templateCauses('spec.template')(o)],
  table: {
    columns: [{ name: 'Ready', type: 'string', description: 'Ready replicas of desired.', priority: 0 }, ...wideContainerColumns],
    cells: (o) => [readyOfReplicas(o), ...wideContainerCells(o)],
  },
});

export const daemonsets = workload(kinds.daemonSets, {
  validate: (o) => [...selectorCauses(o), ...templateCauses('spec.template')(o)],
  table: {
    columns: [
      { name: 'Desired', type: 'integer', description: 'Desired pods.', priority: 0 },
      { name: 'Current', type: 'integer', description: 'Current pods.', priority: 0 },
      { name: 'Ready', type: 'integer', description: 'Ready pods.', priority: 0 },
      ...wideContainerColumns,
    ],
    cells: (o) => [
      Number(statusOf(o).desiredNumberScheduled ?? 0),
      Number(statusOf(o).currentNumberScheduled ?? 0),
      Number(statusOf(o).numberReady ?? 0),
      ...wideContainerCells(o),
    ],
  },
});

export const replicasets = workload(kinds.replicaSets, {
  validate: (o) => [...selectorCauses(o), ...templateCauses('spec.template')(o)],
  table: replicaCountTable,
});

export const jobs = workload(kinds.jobs, {
  validate: templateCauses('spec.template'),
  table: {
    columns: [{ name: 'Completions', type: 'string', description: 'Succeeded of desired.', priority: 0 }, ...wideContainerColumns],
    cells: (o) => [`${Number(statusOf(o).succeeded ?? 0)}/${Number(specOf(o).completions ?? 1)}`, ...wideContainerCells(o)],
  },
});

export const cronjobs = workload(kinds.cronJobs, {
  validate: templateCauses('spec.jobTemplate.spec.template'),
  table: {
    columns: [
      { name: 'Schedule', type: 'string', description: 'When jobs run.', priority: 0 },
      { name: 'Suspend', type: 'boolean', description: 'Whether jobs are suspended.', priority: 0 },
      { name: 'Active', type: 'integer', description: 'Running jobs.', priority: 0 },
      ...wideContainerColumns,
    ],
    cells: (o) => [
      String(specOf(o).schedule ?? ''),
      Boolean(specOf(o).suspend ?? false),
      Array.isArray(statusOf(o).active) ? (statusOf(o).active as unknown[]).length : 0,
      ...wideContainerCells(o),
    ],
  },
});
