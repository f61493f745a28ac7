// Field schemas of pod specs and templates: the fields image lookup, triggers, pruning's workload
// scan, describe and kubectl's printers read, typed; the rest of PodSpec and Container is left to
// the client (`'*': true`), never taken for unknown.
import { mapOf, struct } from '../field-schema.ts';
import { localObjectReference, objectMeta, stringMap } from './core-types.ts';

const container = struct('Container', {
  name: 'string',
  image: 'string',
  imagePullPolicy: 'string',
  command: ['string'],
  args: ['string'],
  workingDir: 'string',
  ports: [struct('ContainerPort', { name: 'string', hostPort: 'int32', containerPort: 'int32', protocol: 'string', hostIP: 'string' })],
  env: [struct('EnvVar', { name: 'string', value: 'string', valueFrom: true })],
  resources: struct('ResourceRequirements', { limits: mapOf('quantity'), requests: mapOf('quantity'), '*': true }),
  stdin: 'bool',
  tty: 'bool',
  '*': true,
});

export const podSpec = struct('PodSpec', {
  containers: [container],
  initContainers: [container],
  imagePullSecrets: [localObjectReference],
  serviceAccountName: 'string',
  serviceAccount: 'string',
  automountServiceAccountToken: 'bool',
  nodeSelector: stringMap,
  nodeName: 'string',
  restartPolicy: 'string',
  terminationGracePeriodSeconds: 'int64',
  activeDeadlineSeconds: 'int64',
  hostNetwork: 'bool',
  hostPID: 'bool',
  hostIPC: 'bool',
  '*': true,
});

export const podTemplateSpec = struct('PodTemplateSpec', { metadata: objectMeta, spec: podSpec });
