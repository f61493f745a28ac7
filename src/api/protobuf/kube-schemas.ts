// The parts of Kubernetes' protobuf messages that kubectl's imperative commands send (`create
// namespace|secret|serviceaccount|token|deployment|job|cronjob|role|clusterrole|rolebinding|
// clusterrolebinding`), by field number as in Kubernetes' generated.proto files. Anything else
// that carries content is refused by the wire reader with a request for JSON.
import type { FieldSchema, MessageSchema } from './wire.ts';

const message = (name: string, fields: Record<number, FieldSchema>, toJson?: MessageSchema['toJson']): MessageSchema => ({ message: name, fields, toJson });
const ignored = (name: string): FieldSchema => ({ name, type: 'string', ignored: true });
const strings = (name: string): FieldSchema => ({ name, type: 'string', repeated: true });
const stringMap = (name: string): FieldSchema => ({ name, type: { map: 'string' } });

const ownerReference = message('OwnerReference', {
  1: { name: 'kind', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'controller', type: 'bool', keepZero: true },
  7: { name: 'blockOwnerDeletion', type: 'bool', keepZero: true },
});

export const objectMeta = message('ObjectMeta', {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  4: ignored('selfLink'),
  5: ignored('uid'),
  6: ignored('resourceVersion'),
  7: ignored('generation'),
  8: ignored('creationTimestamp'),
  11: stringMap('labels'),
  12: stringMap('annotations'),
  13: { name: 'ownerReferences', type: ownerReference, repeated: true },
  14: strings('finalizers'),
});

const labelSelector = message('LabelSelector', {
  1: stringMap('matchLabels'),
  2: {
    name: 'matchExpressions',
    type: message('LabelSelectorRequirement', { 1: { name: 'key', type: 'string' }, 2: { name: 'operator', type: 'string' }, 3: strings('values') }),
    repeated: true,
  },
});

const localObjectReference = message('LocalObjectReference', { 1: { name: 'name', type: 'string' } });

const quantity = message('Quantity', { 1: { name: 'string', type: 'string' } }, (decoded) => decoded.string ?? '0');

const intOrString = message(
  'IntOrString',
  { 1: { name: 'type', type: 'int' }, 2: { name: 'intVal', type: 'int' }, 3: { name: 'strVal', type: 'string' } },
  (decoded) => (decoded.type === 1 ? (decoded.strVal ?? '') : (decoded.intVal ?? 0)),
);

const container = message('Container', {
  1: { name: 'name', type: 'string' },
  2: { name: 'image', type: 'string' },
  3: strings('command'),
  4: strings('args'),
  5: { name: 'workingDir', type: 'string' },
  6: {
    name: 'ports',
    repeated: true,
    type: message('ContainerPort', {
      1: { name: 'name', type: 'string' },
      2: { name: 'hostPort', type: 'int' },
      3: { name: 'containerPort', type: 'int' },
      4: { name: 'protocol', type: 'string' },
      5: { name: 'hostIP', type: 'string' },
    }),
  },
  7: { name: 'env', repeated: true, type: message('EnvVar', { 1: { name: 'name', type: 'string' }, 2: { name: 'value', type: 'string' } }) },
  8: {
    name: 'resources',
    type: message('ResourceRequirements', { 1: { name: 'limits', type: { map: quantity } }, 2: { name: 'requests', type: { map: quantity } } }),
  },
  13: { name: 'terminationMessagePath', type: 'string' },
  14: { name: 'imagePullPolicy', type: 'string' },
  16: { name: 'stdin', type: 'bool' },
  17: { name: 'stdinOnce', type: 'bool' },
  18: { name: 'tty', type: 'bool' },
  20: { name: 'terminationMessagePolicy', type: 'string' },
});

const podSpec = message('PodSpec', {
  2: { name: 'containers', type: container, repeated: true },
  3: { name: 'restartPolicy', type: 'string' },
  4: { name: 'terminationGracePeriodSeconds', type: 'int', keepZero: true },
  6: { name: 'dnsPolicy', type: 'string' },
  7: stringMap('nodeSelector'),
  8: { name: 'serviceAccountName', type: 'string' },
  9: { name: 'serviceAccount', type: 'string' },
  15: { name: 'imagePullSecrets', type: localObjectReference, repeated: true },
  19: { name: 'schedulerName', type: 'string' },
  20: { name: 'initContainers', type: container, repeated: true },
});

const podTemplateSpec = message('PodTemplateSpec', { 1: { name: 'metadata', type: objectMeta }, 2: { name: 'spec', type: podSpec } });

const deploymentSpec = message('DeploymentSpec', {
  1: { name: 'replicas', type: 'int', keepZero: true },
  2: { name: 'selector', type: labelSelector },
  3: { name: 'template', type: podTemplateSpec },
  4: {
    name: 'strategy',
    type: message('DeploymentStrategy', {
      1: { name: 'type', type: 'string' },
      2: {
        name: 'rollingUpdate',
        type: message('RollingUpdateDeployment', { 1: { name: 'maxUnavailable', type: intOrString }, 2: { name: 'maxSurge', type: intOrString } }),
      },
    }),
  },
  5: { name: 'minReadySeconds', type: 'int' },
  6: { name: 'revisionHistoryLimit', type: 'int', keepZero: true },
  7: { name: 'paused', type: 'bool' },
  9: { name: 'progressDeadlineSeconds', type: 'int', keepZero: true },
});

const jobSpec = message('JobSpec', {
  1: { name: 'parallelism', type: 'int', keepZero: true },
  2: { name: 'completions', type: 'int', keepZero: true },
  3: { name: 'activeDeadlineSeconds', type: 'int', keepZero: true },
  4: { name: 'selector', type: labelSelector },
  5: { name: 'manualSelector', type: 'bool', keepZero: true },
  6: { name: 'template', type: podTemplateSpec },
  7: { name: 'backoffLimit', type: 'int', keepZero: true },
  8: { name: 'ttlSecondsAfterFinished', type: 'int', keepZero: true },
  10: { name: 'suspend', type: 'bool', keepZero: true },
});

const cronJobSpec = message('CronJobSpec', {
  1: { name: 'schedule', type: 'string' },
  2: { name: 'startingDeadlineSeconds', type: 'int', keepZero: true },
  3: { name: 'concurrencyPolicy', type: 'string' },
  4: { name: 'suspend', type: 'bool', keepZero: true },
  5: { name: 'jobTemplate', type: message('JobTemplateSpec', { 1: { name: 'metadata', type: objectMeta }, 2: { name: 'spec', type: jobSpec } }) },
  6: { name: 'successfulJobsHistoryLimit', type: 'int', keepZero: true },
  7: { name: 'failedJobsHistoryLimit', type: 'int', keepZero: true },
  8: { name: 'timeZone', type: 'string', keepZero: true },
});

const policyRule = message('PolicyRule', {
  1: strings('verbs'),
  2: strings('apiGroups'),
  3: strings('resources'),
  4: strings('resourceNames'),
  5: strings('nonResourceURLs'),
});

const subject = message('Subject', {
  1: { name: 'kind', type: 'string' },
  2: { name: 'apiGroup', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'namespace', type: 'string' },
});

const roleRef = message('RoleRef', { 1: { name: 'apiGroup', type: 'string' }, 2: { name: 'kind', type: 'string' }, 3: { name: 'name', type: 'string' } });

const metadata: FieldSchema = { name: 'metadata', type: objectMeta };
const status = ignored('status');
const binding = (kind: string) => message(kind, { 1: metadata, 2: { name: 'subjects', type: subject, repeated: true }, 3: { name: 'roleRef', type: roleRef } });

const extraValue = message('ExtraValue', { 1: strings('items') }, (decoded) => decoded.items ?? []);

const resourceAttributes = message('ResourceAttributes', {
  1: { name: 'namespace', type: 'string' },
  2: { name: 'verb', type: 'string' },
  3: { name: 'group', type: 'string' },
  4: { name: 'version', type: 'string' },
  5: { name: 'resource', type: 'string' },
  6: { name: 'subresource', type: 'string' },
  7: { name: 'name', type: 'string' },
});

const nonResourceAttributes = message('NonResourceAttributes', { 1: { name: 'path', type: 'string' }, 2: { name: 'verb', type: 'string' } });

const subjectAccessReview = (kind: string) =>
  message(kind, {
    1: metadata,
    2: {
      name: 'spec',
      type: message('SubjectAccessReviewSpec', {
        1: { name: 'resourceAttributes', type: resourceAttributes },
        2: { name: 'nonResourceAttributes', type: nonResourceAttributes },
        3: { name: 'user', type: 'string' },
        4: strings('groups'),
        5: { name: 'extra', type: { map: extraValue } },
        6: { name: 'uid', type: 'string' },
      }),
    },
    3: status,
  });

/** Schemas of the top-level objects, by `<apiVersion>/<kind>`. */
export const objectSchemas: Readonly<Record<string, MessageSchema>> = {
  'v1/Namespace': message('Namespace', { 1: metadata, 2: { name: 'spec', type: message('NamespaceSpec', { 1: strings('finalizers') }) }, 3: status }),
  'v1/ServiceAccount': message('ServiceAccount', {
    1: metadata,
    2: {
      name: 'secrets',
      type: message('ObjectReference', { 1: { name: 'kind', type: 'string' }, 2: { name: 'namespace', type: 'string' }, 3: { name: 'name', type: 'string' } }),
      repeated: true,
    },
    3: { name: 'imagePullSecrets', type: localObjectReference, repeated: true },
    4: { name: 'automountServiceAccountToken', type: 'bool', keepZero: true },
  }),
  'v1/Secret': message('Secret', {
    1: metadata,
    2: { name: 'data', type: { map: 'bytes' } },
    3: { name: 'type', type: 'string' },
    4: stringMap('stringData'),
    5: { name: 'immutable', type: 'bool', keepZero: true },
  }),
  'authentication.k8s.io/v1/TokenRequest': message('TokenRequest', {
    1: metadata,
    2: {
      name: 'spec',
      type: message('TokenRequestSpec', {
        1: strings('audiences'),
        3: ignored('boundObjectRef'),
        4: { name: 'expirationSeconds', type: 'int', keepZero: true },
      }),
    },
    3: status,
  }),
  // What `kubectl auth can-i` (with --list) and `kubectl auth whoami` send, and clients of the reviews.
  'authentication.k8s.io/v1/TokenReview': message('TokenReview', {
    1: metadata,
    2: { name: 'spec', type: message('TokenReviewSpec', { 1: { name: 'token', type: 'string' }, 2: strings('audiences') }) },
    3: status,
  }),
  'authentication.k8s.io/v1/SelfSubjectReview': message('SelfSubjectReview', { 1: metadata, 2: status }),
  'authorization.k8s.io/v1/SubjectAccessReview': subjectAccessReview('SubjectAccessReview'),
  'authorization.k8s.io/v1/LocalSubjectAccessReview': subjectAccessReview('LocalSubjectAccessReview'),
  'authorization.k8s.io/v1/SelfSubjectAccessReview': message('SelfSubjectAccessReview', {
    1: metadata,
    2: {
      name: 'spec',
      type: message('SelfSubjectAccessReviewSpec', {
        1: { name: 'resourceAttributes', type: resourceAttributes },
        2: { name: 'nonResourceAttributes', type: nonResourceAttributes },
      }),
    },
    3: status,
  }),
  'authorization.k8s.io/v1/SelfSubjectRulesReview': message('SelfSubjectRulesReview', {
    1: metadata,
    2: { name: 'spec', type: message('SelfSubjectRulesReviewSpec', { 1: { name: 'namespace', type: 'string' } }) },
    3: status,
  }),
  'apps/v1/Deployment': message('Deployment', { 1: metadata, 2: { name: 'spec', type: deploymentSpec }, 3: status }),
  'batch/v1/Job': message('Job', { 1: metadata, 2: { name: 'spec', type: jobSpec }, 3: status }),
  'batch/v1/CronJob': message('CronJob', { 1: metadata, 2: { name: 'spec', type: cronJobSpec }, 3: status }),
  'rbac.authorization.k8s.io/v1/Role': message('Role', { 1: metadata, 2: { name: 'rules', type: policyRule, repeated: true } }),
  'rbac.authorization.k8s.io/v1/ClusterRole': message('ClusterRole', {
    1: metadata,
    2: { name: 'rules', type: policyRule, repeated: true },
    3: { name: 'aggregationRule', type: message('AggregationRule', { 1: { name: 'clusterRoleSelectors', type: labelSelector, repeated: true } }) },
  }),
  'rbac.authorization.k8s.io/v1/RoleBinding': binding('RoleBinding'),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': binding('ClusterRoleBinding'),
};
