// REST paths of the cluster's kinds, as Kubernetes lays them out: /api/v1/… for the core group,
// /apis/<group>/<version>/… for the others, namespaced under namespaces/<ns>/.
import type { KindIdentity } from '../kube/kinds.ts';

export function collectionPath(kind: Pick<KindIdentity, 'group' | 'version' | 'resource'>, namespace?: string): string {
  const root = kind.group ? `/apis/${kind.group}/${kind.version}` : `/api/${kind.version}`;
  return `${root}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${kind.resource}`;
}

export function objectPath(kind: Pick<KindIdentity, 'group' | 'version' | 'resource'>, namespace: string, name: string): string {
  return `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}`;
}
