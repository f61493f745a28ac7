// Where each workload kind keeps its pod spec, and its containers: what triggers and image lookup
// rewrite.

export const podSpecPaths: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export interface Container {
  name?: string;
  image?: string;
  imagePullPolicy?: string;
  [field: string]: unknown;
}

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

export function podSpecOf(object: Node, kind: string): Node | undefined {
  let node: unknown = object;
  for (const step of podSpecPaths[kind] ?? []) node = isNode(node) ? node[step] : undefined;
  return isNode(node) ? node : undefined;
}

/** The pod template's metadata (or the object's own, for a Pod). */
export function podTemplateMetaOf(object: Node, kind: string): Node | undefined {
  const path = podSpecPaths[kind];
  if (!path) return undefined;
  if (kind === 'Pod') return isNode(object.metadata) ? object.metadata : undefined;
  let node: unknown = object;
  for (const step of path.slice(0, -1)) node = isNode(node) ? node[step] : undefined;
  return isNode(node) && isNode(node.metadata) ? node.metadata : undefined;
}

/** Containers and init containers, each with the list it sits in. */
export function containersOf(object: Node, kind: string): { list: 'containers' | 'initContainers'; index: number; container: Container }[] {
  const spec = podSpecOf(object, kind);
  if (!spec) return [];
  const out: { list: 'containers' | 'initContainers'; index: number; container: Container }[] = [];
  for (const list of ['initContainers', 'containers'] as const) {
    const items = spec[list];
    if (Array.isArray(items)) items.forEach((container, index) => isNode(container) && out.push({ list, index, container: container as Container }));
  }
  return out;
}
