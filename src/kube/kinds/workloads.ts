// The workload kinds image streams act on, as far as triggers, image lookup, describe and prune
// read them: pod specs and their containers. Everything else is kept as given.
import type { KubeObject, ObjectMeta } from '../object.ts';

export interface EnvVar {
  name: string;
  value?: string;
  [field: string]: unknown;
}

export interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  env?: EnvVar[];
  [field: string]: unknown;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  [field: string]: unknown;
}

export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec: PodSpec;
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: { phase?: string; [field: string]: unknown };
}

/** Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers and Jobs: a pod template. */
export interface PodTemplateWorkload extends KubeObject {
  spec: { template: PodTemplateSpec; replicas?: number; paused?: boolean; [field: string]: unknown };
  status?: Record<string, unknown>;
}

export type Deployment = PodTemplateWorkload;
export type StatefulSet = PodTemplateWorkload;
export type DaemonSet = PodTemplateWorkload;
export type ReplicaSet = PodTemplateWorkload;
export type ReplicationController = PodTemplateWorkload;
export type Job = PodTemplateWorkload;

export interface CronJob extends KubeObject {
  spec: { schedule: string; suspend?: boolean; jobTemplate: { metadata?: ObjectMeta; spec: { template: PodTemplateSpec } }; [field: string]: unknown };
  status?: Record<string, unknown>;
}

export type Workload = Pod | PodTemplateWorkload | CronJob;
