// The kinds the server stores, each with a valid object and the typed fields that the server, the
// CLI or kubectl read, for hostile-fields.test.ts to send back with values of every wrong JSON type
// (400, as Kubernetes' decoder answers) and with well-typed values that break a rule (422).

export type FieldType = 'string' | 'int32' | 'int64' | 'bool' | 'list' | 'object' | 'bytes';

export interface KindFixture {
  readonly kind: string;
  /** The collection, relative to the server. */
  readonly collection: string;
  /** A valid object named `name`. */
  readonly valid: (name: string) => Record<string, unknown>;
  /** Typed fields by path (`spec.template.spec.containers[0].image`, `data[password]`), as errors name them. */
  readonly typed: Readonly<Record<string, FieldType>>;
  /** Values with the right type that a validation rule refuses, by path, with the field the cause names. */
  readonly invalid?: readonly { readonly path: string; readonly value: unknown; readonly field?: string }[];
  /** Virtual kinds that are only created (ProjectRequest, ImageStreamImport), and where what they create would be. */
  readonly createOnly?: boolean;
  readonly storedAt?: (name: string) => string;
  readonly clusterScoped?: boolean;
}

/** Values of every JSON type but the field's own. */
export const wrongValues: Readonly<Record<FieldType, readonly unknown[]>> = {
  string: [7, true, ['a'], { a: 'b' }],
  int32: ['many', 1.5, false, [1], { n: 1 }, 2 ** 31],
  int64: ['many', 0.5, true, [1], { n: 1 }],
  bool: ['true', 1, ['x'], { on: true }],
  list: ['x', 3, { a: 1 }, false],
  object: ['x', 3, [1], true],
  bytes: ['not base64!', 'YQ', 5, ['YQ==']],
};

export const namespace = 'fields';

const podSpec = (image = 'nginx:1.25') => ({
  serviceAccountName: 'default',
  imagePullSecrets: [{ name: 'creds' }],
  initContainers: [{ name: 'init', image: 'busybox:1' }],
  containers: [{ name: 'web', image, imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 8080 }], resources: { limits: { cpu: '500m' } } }],
});
const template = { metadata: { labels: { app: 'web' } }, spec: podSpec() };
const selector = { matchLabels: { app: 'web' } };

/** The pod template fields, below `at` (`spec.template`). */
const templateFields = (at: string): Record<string, FieldType> => ({
  [at]: 'object',
  [`${at}.metadata`]: 'object',
  [`${at}.metadata.labels[app]`]: 'string',
  [`${at}.spec`]: 'object',
  [`${at}.spec.containers`]: 'list',
  [`${at}.spec.containers[0]`]: 'object',
  [`${at}.spec.containers[0].name`]: 'string',
  [`${at}.spec.containers[0].image`]: 'string',
  [`${at}.spec.containers[0].imagePullPolicy`]: 'string',
  [`${at}.spec.containers[0].ports[0].containerPort`]: 'int32',
  [`${at}.spec.initContainers`]: 'list',
  [`${at}.spec.initContainers[0].image`]: 'string',
  [`${at}.spec.imagePullSecrets`]: 'list',
  [`${at}.spec.imagePullSecrets[0].name`]: 'string',
  [`${at}.spec.serviceAccountName`]: 'string',
});
const templateRules = (at: string) => [
  { path: `${at}.spec.containers[0].imagePullPolicy`, value: 'Sometimes' },
  { path: `${at}.spec.containers[0].name`, value: 'Not_A_Label' },
  { path: `${at}.spec.containers[0].image`, value: '' },
  { path: `${at}.spec.serviceAccountName`, value: 'Bad_Name' },
  { path: `${at}.spec.containers`, value: [], field: `${at}.spec.containers` },
];

const replicated = (kind: string, apiVersion: string, resource: string, extra: Record<string, FieldType> = {}): KindFixture => ({
  kind,
  collection: `/apis/${apiVersion}/namespaces/${namespace}/${resource}`,
  valid: (name) => ({ apiVersion, kind, metadata: { name }, spec: { replicas: 1, selector, template } }),
  typed: {
    spec: 'object',
    'spec.replicas': 'int32',
    'spec.selector': 'object',
    'spec.selector.matchLabels[app]': 'string',
    ...templateFields('spec.template'),
    ...extra,
  },
  invalid: [
    { path: 'spec.replicas', value: -1 },
    { path: 'spec.selector.matchExpressions', value: [{ key: 'tier', operator: 'Near' }], field: 'spec.selector.matchExpressions[0].operator' },
    ...templateRules('spec.template'),
  ],
});

const job = (name: string) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name },
  spec: { completions: 1, template: { ...template, spec: { ...podSpec(), restartPolicy: 'Never' } } },
});

const binding = (kind: string, name: string) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind,
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
  subjects: [
    { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' },
    { kind: 'ServiceAccount', name: 'default', namespace },
  ],
});
const bindingFields: Record<string, FieldType> = {
  roleRef: 'object',
  'roleRef.kind': 'string',
  'roleRef.name': 'string',
  'roleRef.apiGroup': 'string',
  subjects: 'list',
  'subjects[0]': 'object',
  'subjects[0].kind': 'string',
  'subjects[0].name': 'string',
  'subjects[1].namespace': 'string',
};
const bindingRules = [
  { path: 'roleRef.kind', value: 'Robot' },
  { path: 'roleRef.apiGroup', value: 'example.com' },
  { path: 'subjects[0].kind', value: 'Robot' },
  { path: 'subjects[0].apiGroup', value: 'example.com' },
  { path: 'subjects[1].name', value: 'Not A Name' },
];

export const kindFixtures: readonly KindFixture[] = [
  replicated('Deployment', 'apps/v1', 'deployments', {
    'spec.paused': 'bool',
    'spec.strategy': 'object',
    'spec.strategy.type': 'string',
    'spec.minReadySeconds': 'int32',
    'spec.revisionHistoryLimit': 'int32',
  }),
  replicated('StatefulSet', 'apps/v1', 'statefulsets', { 'spec.serviceName': 'string' }),
  replicated('ReplicaSet', 'apps/v1', 'replicasets'),
  {
    kind: 'DaemonSet',
    collection: `/apis/apps/v1/namespaces/${namespace}/daemonsets`,
    valid: (name) => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name }, spec: { selector, template } }),
    typed: { 'spec.selector': 'object', 'spec.minReadySeconds': 'int32', ...templateFields('spec.template') },
    invalid: [
      { path: 'spec.minReadySeconds', value: -5 },
      { path: 'spec.updateStrategy', value: { type: 'Sideways' }, field: 'spec.updateStrategy.type' },
      ...templateRules('spec.template'),
    ],
  },
  {
    kind: 'ReplicationController',
    collection: `/api/v1/namespaces/${namespace}/replicationcontrollers`,
    valid: (name) => ({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name }, spec: { replicas: 1, selector: { app: 'web' }, template } }),
    typed: { 'spec.replicas': 'int32', 'spec.selector': 'object', 'spec.selector[app]': 'string', ...templateFields('spec.template') },
    invalid: [{ path: 'spec.replicas', value: -1 }, ...templateRules('spec.template')],
  },
  {
    kind: 'Pod',
    collection: `/api/v1/namespaces/${namespace}/pods`,
    valid: (name) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: podSpec() }),
    typed: {
      spec: 'object',
      'spec.containers': 'list',
      'spec.containers[0]': 'object',
      'spec.containers[0].name': 'string',
      'spec.containers[0].image': 'string',
      'spec.containers[0].imagePullPolicy': 'string',
      'spec.initContainers[0].name': 'string',
      'spec.imagePullSecrets': 'list',
      'spec.imagePullSecrets[0].name': 'string',
      'spec.serviceAccountName': 'string',
      'spec.nodeSelector': 'object',
      'spec.terminationGracePeriodSeconds': 'int64',
    },
    invalid: [
      { path: 'spec.containers[0].imagePullPolicy', value: 'Sometimes' },
      { path: 'spec.containers[0].name', value: 'Not_A_Label' },
    ],
  },
  {
    kind: 'Job',
    collection: `/apis/batch/v1/namespaces/${namespace}/jobs`,
    valid: job,
    typed: {
      'spec.completions': 'int32',
      'spec.parallelism': 'int32',
      'spec.backoffLimit': 'int32',
      'spec.suspend': 'bool',
      ...templateFields('spec.template'),
    },
    invalid: [{ path: 'spec.completions', value: -1 }, { path: 'spec.backoffLimit', value: -2 }, ...templateRules('spec.template')],
  },
  {
    kind: 'CronJob',
    collection: `/apis/batch/v1/namespaces/${namespace}/cronjobs`,
    valid: (name) => ({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name },
      spec: { schedule: '*/5 * * * *', jobTemplate: { spec: job(name).spec } },
    }),
    typed: {
      'spec.schedule': 'string',
      'spec.suspend': 'bool',
      'spec.concurrencyPolicy': 'string',
      'spec.startingDeadlineSeconds': 'int64',
      'spec.jobTemplate': 'object',
      'spec.jobTemplate.spec': 'object',
      'spec.jobTemplate.spec.completions': 'int32',
      ...templateFields('spec.jobTemplate.spec.template'),
    },
    invalid: [
      { path: 'spec.schedule', value: 'every day at noon' },
      { path: 'spec.schedule', value: '61 * * * *' },
      { path: 'spec.schedule', value: '' },
      { path: 'spec.concurrencyPolicy', value: 'Sometimes' },
      { path: 'spec.successfulJobsHistoryLimit', value: -1 },
      ...templateRules('spec.jobTemplate.spec.template'),
    ],
  },
  {
    kind: 'Secret',
    collection: `/api/v1/namespaces/${namespace}/secrets`,
    valid: (name) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'Opaque', data: { password: Buffer.from('s3cret').toString('base64') } }),
    typed: { data: 'object', 'data[password]': 'bytes', stringData: 'object', 'stringData[token]': 'string', type: 'string', immutable: 'bool' },
    invalid: [
      { path: 'data[big]', value: Buffer.alloc(1024 * 1024).toString('base64'), field: 'data' },
      { path: 'data[bad key!]', value: 'YQ==' },
    ],
  },
  {
    kind: 'ServiceAccount',
    collection: `/api/v1/namespaces/${namespace}/serviceaccounts`,
    valid: (name) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name }, secrets: [{ name: 'token' }], imagePullSecrets: [{ name: 'creds' }] }),
    typed: {
      secrets: 'list',
      'secrets[0]': 'object',
      'secrets[0].name': 'string',
      imagePullSecrets: 'list',
      'imagePullSecrets[0]': 'object',
      'imagePullSecrets[0].name': 'string',
      automountServiceAccountToken: 'bool',
    },
    invalid: [{ path: 'imagePullSecrets[0].name', value: '' }],
  },
  {
    kind: 'Role',
    collection: `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`,
    valid: (name) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
    }),
    typed: {
      rules: 'list',
      'rules[0]': 'object',
      'rules[0].verbs': 'list',
      'rules[0].verbs[0]': 'string',
      'rules[0].resources[0]': 'string',
      'rules[0].apiGroups': 'list',
    },
    invalid: [{ path: 'rules[0].verbs', value: [] }],
  },
  {
    kind: 'ClusterRole',
    collection: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
    clusterScoped: true,
    valid: (name) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `${namespace}-${name}` },
      rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }],
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { aggregate: 'yes' } }] },
    }),
    typed: {
      rules: 'list',
      'rules[0].nonResourceURLs': 'list',
      'rules[0].nonResourceURLs[0]': 'string',
      'rules[0].verbs[0]': 'string',
      aggregationRule: 'object',
      'aggregationRule.clusterRoleSelectors': 'list',
      'aggregationRule.clusterRoleSelectors[0].matchLabels[aggregate]': 'string',
    },
    invalid: [{ path: 'rules[0].verbs', value: [] }],
  },
  {
    kind: 'RoleBinding',
    collection: `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`,
    valid: (name) => binding('RoleBinding', name),
    typed: bindingFields,
    invalid: bindingRules,
  },
  {
    kind: 'ClusterRoleBinding',
    collection: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
    clusterScoped: true,
    valid: (name) => binding('ClusterRoleBinding', `${namespace}-${name}`),
    typed: bindingFields,
    invalid: [...bindingRules.filter((rule) => rule.path !== 'roleRef.kind'), { path: 'roleRef.kind', value: 'Role' }],
  },
  {
    kind: 'Namespace',
    collection: '/api/v1/namespaces',
    clusterScoped: true,
    valid: (name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${namespace}-${name}` }, spec: { finalizers: ['kubernetes'] } }),
    typed: { spec: 'object', 'spec.finalizers': 'list', 'spec.finalizers[0]': 'string' },
  },
  {
    kind: 'Project',
    collection: '/apis/project.openshift.io/v1/projects',
    clusterScoped: true,
    valid: (name) => ({
      apiVersion: 'project.openshift.io/v1',
      kind: 'Project',
      metadata: { name: `${namespace}-p${name}` },
      spec: { finalizers: ['kubernetes'] },
    }),
    typed: { spec: 'object', 'spec.finalizers': 'list', 'spec.finalizers[0]': 'string', status: 'object', 'status.phase': 'string' },
  },
  {
    kind: 'ProjectRequest',
    collection: '/apis/project.openshift.io/v1/projectrequests',
    clusterScoped: true,
    createOnly: true,
    storedAt: (name) => `/api/v1/namespaces/${namespace}-${name}`,
    valid: (name) => ({
      apiVersion: 'project.openshift.io/v1',
      kind: 'ProjectRequest',
      metadata: { name: `${namespace}-${name}` },
      displayName: 'Fields',
      description: 'd',
    }),
    typed: { displayName: 'string', description: 'string' },
  },
  {
    kind: 'Group',
    collection: '/apis/user.openshift.io/v1/groups',
    clusterScoped: true,
    valid: (name) => ({ apiVersion: 'user.openshift.io/v1', kind: 'Group', metadata: { name: `${namespace}-${name}` }, users: ['alice'] }),
    typed: { users: 'list', 'users[0]': 'string' },
  },
  {
    kind: 'ImageStream',
    collection: `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams`,
    valid: (name) => ({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name },
      spec: {
        lookupPolicy: { local: true },
        tags: [{ name: 'v1', annotations: { a: 'b' }, reference: true }],
      },
    }),
    typed: {
      spec: 'object',
      'spec.lookupPolicy': 'object',
      'spec.lookupPolicy.local': 'bool',
      'spec.dockerImageRepository': 'string',
      'spec.tags': 'list',
      'spec.tags[0]': 'object',
      'spec.tags[0].name': 'string',
      'spec.tags[0].annotations[a]': 'string',
      'spec.tags[0].from': 'object',
      'spec.tags[0].from.kind': 'string',
      'spec.tags[0].from.name': 'string',
      'spec.tags[0].reference': 'bool',
      'spec.tags[0].generation': 'int64',
      'spec.tags[0].importPolicy': 'object',
      'spec.tags[0].importPolicy.scheduled': 'bool',
      'spec.tags[0].importPolicy.importMode': 'string',
      'spec.tags[0].referencePolicy.type': 'string',
    },
    invalid: [
      { path: 'spec.tags[0].referencePolicy', value: { type: 'Everywhere' }, field: 'spec.tags[0].referencePolicy.type' },
      { path: 'spec.tags[0].from.kind', value: 'Nowhere' },
    ],
  },
  {
    kind: 'ImageStreamWebhook',
    collection: `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreamwebhooks`,
    valid: (name) => ({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStreamWebhook',
      metadata: { name },
      spec: { type: 'generic', secretRef: { name: `${name}-webhook` } },
    }),
    typed: { spec: 'object', 'spec.type': 'string', 'spec.secretRef': 'object', 'spec.secretRef.name': 'string', 'spec.registry': 'string' },
    invalid: [{ path: 'spec.type', value: 'carrier-pigeon' }],
  },
  {
    kind: 'ImageStreamImport',
    collection: `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreamimports`,
    createOnly: true,
    storedAt: (name) => `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/${name}`,
    valid: (name) => ({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStreamImport',
      metadata: { name },
      spec: { import: false, images: [{ from: { kind: 'DockerImage', name: '127.0.0.1:1/x:1' } }] },
    }),
    typed: {
      spec: 'object',
      'spec.import': 'bool',
      'spec.images': 'list',
      'spec.images[0].from': 'object',
      'spec.images[0].from.name': 'string',
      'spec.images[0].includeManifest': 'bool',
    },
  },
];

/** The steps of a path: names, list indices and map keys (`spec.containers[0].image`, `data[password]`). */
export function stepsOf(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[([^\]]+)\]/g)].map((match) =>
    match[1] !== undefined ? match[1] : /^\d+$/.test(match[2]) ? Number(match[2]) : match[2],
  );
}

/** A copy of `object` with `value` at `path`, creating the objects on the way. */
export function withValue(object: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(object);
  const steps = stepsOf(path);
  let node = copy as Record<string | number, unknown>;
  for (const step of steps.slice(0, -1)) {
    if (node[step] === undefined || node[step] === null) node[step] = {};
    node = node[step] as Record<string | number, unknown>;
  }
  node[steps.at(-1)!] = structuredClone(value);
  return copy;
}

/** A JSON patch that puts `value` at `path`. */
export function jsonPatchFor(path: string, value: unknown): unknown[] {
  const pointer = stepsOf(path)
    .map((step) => String(step).replaceAll('~', '~0').replaceAll('/', '~1'))
    .join('/');
  return [{ op: 'add', path: `/${pointer}`, value }];
}
