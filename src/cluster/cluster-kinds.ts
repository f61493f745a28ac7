// The cluster's kinds ims acts on: the workload kinds whose pod specs carry images (triggers,
// image lookup, prune), and what the pull-secret controller manages. One list, so the webhook's
// rules, the trigger controller's informers, the API proxy and deploy/kubernetes' RBAC agree.
import type { KindIdentity } from '../kube/kinds.ts';
import { workloadKinds } from '../kube/kinds.ts';

export const clusterWorkloadKinds: readonly KindIdentity[] = workloadKinds;

export function clusterWorkloadKind(group: unknown, kind: unknown): KindIdentity | undefined {
  return clusterWorkloadKinds.find((k) => k.group === group && k.kind === kind);
}
