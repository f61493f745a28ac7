// Field schemas of the workload kinds' specs and statuses (apps/v1, batch/v1, core/v1): the counts,
// selectors and templates that the tables, triggers and kubectl read, typed.
import type { ObjectSchema } from '../field-schema.ts';
import { struct } from '../field-schema.ts';
import { labelSelector, objectMeta, objectReference, stringMap } from './core-types.ts';
import { podSpec, podTemplateSpec } from './pod-template.ts';

const rollingUpdate = { maxUnavailable: 'int-or-string', maxSurge: 'int-or-string', partition: 'int32', '*': true } as const;
const conditions = [{ type: 'string', status: 'string', reason: 'string', message: 'string', '*': true }] as const;

const deploymentSpec = struct('DeploymentSpec', {
  replicas: 'int32',
  selector: labelSelector,
  template: podTemplateSpec,
  strategy: struct('DeploymentStrategy', { type: 'string', rollingUpdate: struct('RollingUpdateDeployment', { ...rollingUpdate }) }),
  minReadySeconds: 'int32',
  revisionHistoryLimit: 'int32',
  paused: 'bool',
  progressDeadlineSeconds: 'int32',
  '*': true,
});

const replicatedStatus = (name: string): ObjectSchema =>
  struct(name, {
    observedGeneration: 'int64',
    replicas: 'int32',
    updatedReplicas: 'int32',
    readyReplicas: 'int32',
    availableReplicas: 'int32',
    unavailableReplicas: 'int32',
    currentReplicas: 'int32',
    fullyLabeledReplicas: 'int32',
    conditions,
    '*': true,
  });

const statefulSetSpec = struct('StatefulSetSpec', {
  replicas: 'int32',
  selector: labelSelector,
  template: podTemplateSpec,
  serviceName: 'string',
  podManagementPolicy: 'string',
  updateStrategy: struct('StatefulSetUpdateStrategy', { type: 'string', rollingUpdate: struct('RollingUpdateStatefulSetStrategy', { ...rollingUpdate }) }),
  revisionHistoryLimit: 'int32',
  minReadySeconds: 'int32',
  '*': true,
});

const daemonSetSpec = struct('DaemonSetSpec', {
  selector: labelSelector,
  template: podTemplateSpec,
  updateStrategy: struct('DaemonSetUpdateStrategy', { type: 'string', rollingUpdate: struct('RollingUpdateDaemonSet', { ...rollingUpdate }) }),
  minReadySeconds: 'int32',
  revisionHistoryLimit: 'int32',
  '*': true,
});

const daemonSetStatus = struct('DaemonSetStatus', {
  currentNumberScheduled: 'int32',
  numberMisscheduled: 'int32',
  desiredNumberScheduled: 'int32',
  numberReady: 'int32',
  observedGeneration: 'int64',
  updatedNumberScheduled: 'int32',
  numberAvailable: 'int32',
  numberUnavailable: 'int32',
  conditions,
  '*': true,
});

const replicaSetSpec = struct('ReplicaSetSpec', { replicas: 'int32', minReadySeconds: 'int32', selector: labelSelector, template: podTemplateSpec, '*': true });

/** A ReplicationController's selector is a plain map of labels, not a LabelSelector. */
const replicationControllerSpec = struct('ReplicationControllerSpec', {
  replicas: 'int32',
  minReadySeconds: 'int32',
  selector: stringMap,
  template: podTemplateSpec,
  '*': true,
});

const jobSpec = struct('JobSpec', {
  parallelism: 'int32',
  completions: 'int32',
  activeDeadlineSeconds: 'int64',
  backoffLimit: 'int32',
  selector: labelSelector,
  manualSelector: 'bool',
  template: podTemplateSpec,
  ttlSecondsAfterFinished: 'int32',
  completionMode: 'string',
  suspend: 'bool',
  '*': true,
});

const jobStatus = struct('JobStatus', {
  active: 'int32',
  succeeded: 'int32',
  failed: 'int32',
  startTime: 'string',
  completionTime: 'string',
  conditions,
  '*': true,
});

const cronJobSpec = struct('CronJobSpec', {
  schedule: 'string',
  timeZone: 'string',
  startingDeadlineSeconds: 'int64',
  concurrencyPolicy: 'string',
  suspend: 'bool',
  jobTemplate: struct('JobTemplateSpec', { metadata: objectMeta, spec: jobSpec }),
  successfulJobsHistoryLimit: 'int32',
  failedJobsHistoryLimit: 'int32',
  '*': true,
});

/** A CronJob's `status.active` lists the Jobs running, unlike a Job's count. */
const cronJobStatus = struct('CronJobStatus', { active: [objectReference], lastScheduleTime: 'string', lastSuccessfulTime: 'string', '*': true });

const podStatus = struct('PodStatus', { phase: 'string', message: 'string', reason: 'string', conditions, '*': true });

/** The schema of each workload kind, by kind. */
export const workloadSchemas: Readonly<Record<string, ObjectSchema>> = {
  Pod: { spec: podSpec, status: podStatus },
  ReplicationController: { spec: replicationControllerSpec, status: replicatedStatus('ReplicationControllerStatus') },
  Deployment: { spec: deploymentSpec, status: replicatedStatus('DeploymentStatus') },
  StatefulSet: { spec: statefulSetSpec, status: replicatedStatus('StatefulSetStatus') },
  DaemonSet: { spec: daemonSetSpec, status: daemonSetStatus },
  ReplicaSet: { spec: replicaSetSpec, status: replicatedStatus('ReplicaSetStatus') },
  Job: { spec: jobSpec, status: jobStatus },
  CronJob: { spec: cronJobSpec, status: cronJobStatus },
};
