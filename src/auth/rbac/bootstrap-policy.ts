// The built-in cluster roles and bindings (SPEC §8.3), written on every start so they stay as shipped,
// and the default bindings every namespace gets.
import type { PolicyRule, RoleBinding, Subject } from '../../kube/kinds/rbac.ts';

const image = ['image.openshift.io', ''];
const read = ['get', 'list', 'watch'];
const write = ['create', 'update', 'patch', 'delete', 'deletecollection'];

const workloads: PolicyRule[] = [
  {
    apiGroups: [''],
    resources: [
      'pods',
      'pods/status',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'replicationcontrollers/status',
      'configmaps',
      'services',
      'endpoints',
      'persistentvolumeclaims',
      'events',
    ],
    verbs: [...read, ...write],
  },
  {
    apiGroups: ['apps'],
    resources: [
      'deployments',
      'deployments/scale',
      'deployments/status',
      'statefulsets',
      'statefulsets/scale',
      'statefulsets/status',
      'daemonsets',
      'daemonsets/status',
      'replicasets',
      'replicasets/scale',
      'replicasets/status',
    ],
    verbs: [...read, ...write],
  },
  { apiGroups: ['batch'], resources: ['jobs', 'jobs/status', 'cronjobs', 'cronjobs/status'], verbs: [...read, ...write] },
];

const imageStreamsEdit: PolicyRule[] = [
  {
    apiGroups: image,
    resources: ['imagestreams', 'imagestreammappings', 'imagestreamtags', 'imagestreamimages', 'imagetags', 'imagestreamimports'],
    verbs: [...read, ...write],
  },
  { apiGroups: image, resources: ['imagestreams/secrets', 'imagestreams/layers'], verbs: ['get', 'update'] },
  // Status is the server's record of what a stream holds: users read it, as in OpenShift, never write it.
  { apiGroups: image, resources: ['imagestreams/status'], verbs: ['get'] },
];

const editRules: PolicyRule[] = [
  ...workloads,
  ...imageStreamsEdit,
  // system:image-builder aggregates to admin and edit (SPEC §8.3), so a project admin may hand it out.
  { apiGroups: ['build.openshift.io', ''], resources: ['builds'], verbs: read },
  { apiGroups: ['build.openshift.io', ''], resources: ['builds/details'], verbs: ['update'] },
  { apiGroups: [''], resources: ['secrets', 'serviceaccounts'], verbs: [...read, ...write] },
  { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
  { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] },
  { apiGroups: ['project.openshift.io'], resources: ['projects'], verbs: ['get'] },
];

const viewRules: PolicyRule[] = [
  {
    apiGroups: [''],
    resources: [
      'pods',
      'pods/status',
      'replicationcontrollers',
      'replicationcontrollers/status',
      'configmaps',
      'services',
      'endpoints',
      'persistentvolumeclaims',
      'events',
      'serviceaccounts',
    ],
    verbs: read,
  },
  {
    apiGroups: ['apps'],
    resources: [
      'deployments',
      'deployments/status',
      'statefulsets',
      'statefulsets/status',
      'daemonsets',
      'daemonsets/status',
      'replicasets',
      'replicasets/status',
    ],
    verbs: read,
  },
  { apiGroups: ['batch'], resources: ['jobs', 'jobs/status', 'cronjobs', 'cronjobs/status'], verbs: read },
  { apiGroups: image, resources: ['imagestreams', 'imagestreammappings', 'imagestreamtags', 'imagestreamimages', 'imagetags'], verbs: read },
  // A subresource is read one object at a time; `get` alone also keeps view within edit, so a project admin may hand it out.
  { apiGroups: image, resources: ['imagestreams/status'], verbs: ['get'] },
  { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] },
  { apiGroups: ['project.openshift.io'], resources: ['projects'], verbs: ['get'] },
];

export interface ClusterRoleSpec {
  readonly name: string;
  readonly description: string;
  readonly rules: readonly PolicyRule[];
}

export const bootstrapClusterRoles: readonly ClusterRoleSpec[] = [
  {
    name: 'cluster-admin',
    description: 'Full access to everything.',
    rules: [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ],
  },
  {
    name: 'admin',
    description: 'A project manager: everything in the project, including its role bindings.',
    rules: [
      ...editRules,
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: [...read, ...write] },
      { apiGroups: ['project.openshift.io'], resources: ['projects'], verbs: ['delete', 'update', 'patch'] },
      { apiGroups: [''], resources: ['namespaces'], verbs: ['delete'] },
      // Kubernetes' admin may ask what others may do in its namespace.
      { apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews'], verbs: ['create'] },
    ],
  },
  { name: 'edit', description: 'Change most objects in a project, but not its roles or bindings.', rules: editRules },
  { name: 'view', description: 'Read most objects in a project, but not secrets.', rules: viewRules },
  {
    name: 'basic-user',
    description: 'Read basic information about yourself and your projects.',
    rules: [
      { apiGroups: ['user.openshift.io'], resources: ['users'], resourceNames: ['~'], verbs: ['get'] },
      { apiGroups: ['project.openshift.io'], resources: ['projects'], verbs: ['list', 'watch'] },
      // Kubernetes' system:basic-user: anyone may ask what they themselves may do, and who they are.
      { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] },
      { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
    ],
  },
  {
    name: 'system:auth-delegator',
    description: 'Lets another server delegate authentication and authorization to this one: review tokens and access.',
    rules: [
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    ],
  },
  {
    name: 'self-provisioner',
    description: 'Create your own projects.',
    rules: [{ apiGroups: ['project.openshift.io'], resources: ['projectrequests'], verbs: ['create'] }],
  },
  {
    name: 'system:image-puller',
    description: 'Grants the right to pull images from within a project.',
    rules: [{ apiGroups: image, resources: ['imagestreams/layers'], verbs: ['get'] }],
  },
  {
    name: 'system:image-pusher',
    description: 'Grants the right to push and pull images from within a project.',
    rules: [{ apiGroups: image, resources: ['imagestreams/layers'], verbs: ['get', 'update'] }],
  },
  {
    name: 'system:image-builder',
    description: 'Grants the right to build, push and pull images from within a project.',
    rules: [
      { apiGroups: image, resources: ['imagestreams/layers'], verbs: ['get', 'update'] },
      { apiGroups: image, resources: ['imagestreams'], verbs: ['create'] },
      { apiGroups: ['build.openshift.io', ''], resources: ['builds/details'], verbs: ['update'] },
      { apiGroups: ['build.openshift.io', ''], resources: ['builds'], verbs: ['get'] },
    ],
  },
  {
    name: 'system:image-signer',
    description: 'Grants the right to sign images.',
    rules: [
      { apiGroups: image, resources: ['images', 'imagestreams/layers'], verbs: ['get'] },
      { apiGroups: image, resources: ['imagesignatures'], verbs: ['create', 'delete'] },
    ],
  },
  {
    name: 'system:image-pruner',
    description: 'Grants the right to prune images.',
    rules: [
      {
        apiGroups: ['', 'apps', 'batch'],
        resources: ['pods', 'replicationcontrollers', 'limitranges', 'deployments', 'statefulsets', 'daemonsets', 'replicasets', 'jobs', 'cronjobs'],
        verbs: ['get', 'list'],
      },
      { apiGroups: image, resources: ['imagestreams'], verbs: ['get', 'list'] },
      { apiGroups: image, resources: ['imagestreams/status'], verbs: ['update'] },
      { apiGroups: image, resources: ['images'], verbs: ['get', 'list', 'delete'] },
    ],
  },
  {
    name: 'system:deployer',
    description: 'Grants the right to deploy within a project.',
    rules: [
      { apiGroups: [''], resources: ['replicationcontrollers'], verbs: ['delete', 'get', 'list', 'patch', 'update', 'watch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: image, resources: ['imagestreamtags', 'imagetags'], verbs: ['create', 'update'] },
    ],
  },
];

/** Cluster-wide bindings every Imagestream has, as OpenShift's bootstrap policy. */
export const bootstrapClusterRoleBindings: readonly { name: string; role: string; subjects: Subject[] }[] = [
  { name: 'cluster-admins', role: 'cluster-admin', subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:cluster-admins' }] },
  { name: 'basic-users', role: 'basic-user', subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' }] },
  {
    name: 'self-provisioners',
    role: 'self-provisioner',
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated:oauth' }],
  },
];

/** The bindings OpenShift's controllers give every namespace (SPEC §8.3). */
export function defaultNamespaceBindings(namespace: string): RoleBinding[] {
  const binding = (name: string, role: string, subjects: Subject[]): RoleBinding => ({
    metadata: { name, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects,
  });
  return [
    binding('system:image-pullers', 'system:image-puller', [
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: `system:serviceaccounts:${namespace}` },
    ]),
    binding('system:image-builders', 'system:image-builder', [{ kind: 'ServiceAccount', name: 'builder', namespace }]),
    binding('system:deployers', 'system:deployer', [{ kind: 'ServiceAccount', name: 'deployer', namespace }]),
  ];
}

/** Service accounts every namespace gets. */
export const defaultServiceAccounts = ['default', 'builder', 'deployer'] as const;
