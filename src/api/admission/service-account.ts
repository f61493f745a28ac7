// Kubernetes' ServiceAccount admission for pods: a pod without a service account runs as
// `default`, the account must exist, and a pod that names no pull secrets gets its account's
// `imagePullSecrets` — which is what `ims secrets link default X --for=pull` is for.
import type { KubeObject } from '../../kube/object.ts';
import type { HookContext } from '../resource-definition.ts';
import { AppError, unlessNotFound } from '../../errors.ts';
import { isPlainObject, objectKey } from '../../kube/object.ts';

export async function admitPodServiceAccount(pod: KubeObject, context: Pick<HookContext, 'store'>): Promise<void> {
  if (!isPlainObject(pod.spec)) return;
  const spec = pod.spec;
  const named =
    typeof spec.serviceAccountName === 'string' && spec.serviceAccountName
      ? spec.serviceAccountName
      : typeof spec.serviceAccount === 'string' && spec.serviceAccount
        ? spec.serviceAccount
        : 'default';
  spec.serviceAccountName = named;
  spec.serviceAccount = named;
  const namespace = pod.metadata?.namespace ?? '';
  const stored = await unlessNotFound(context.store.get(objectKey('', 'serviceaccounts', namespace, named)));
  if (!stored)
    throw new AppError(
      'Forbidden',
      `pods "${pod.metadata?.name ?? ''}" is forbidden: error looking up service account ${namespace}/${named}: serviceaccount "${named}" not found`,
    );
  const given = spec.imagePullSecrets;
  if (Array.isArray(given) && given.length > 0) return;
  const linked = (stored.value as { imagePullSecrets?: unknown }).imagePullSecrets;
  const secrets = Array.isArray(linked)
    ? linked.filter((s): s is { name: string } => isPlainObject(s) && typeof s.name === 'string' && s.name !== '').map((s) => ({ name: s.name }))
    : [];
  if (secrets.length > 0) spec.imagePullSecrets = secrets;
}
