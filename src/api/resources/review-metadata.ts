// What every review kind shares: its metadata must say nothing (Kubernetes refuses a named or
// labelled review), and its answer echoes the request with a `status`, as Kubernetes returns it.
import type { FieldCause } from '../../errors.ts';
import type { KindIdentity } from '../../kube/kinds.ts';
import type { KubeObject } from '../../kube/object.ts';
import { apiVersionOf } from '../../kube/kinds.ts';
import { isPlainObject } from '../../kube/object.ts';

/** `metadata: must be empty` unless every field is unset or empty (a namespace is allowed on the namespaced kind). */
export function emptyMetadataProblems(body: KubeObject, namespaceAllowed: boolean): FieldCause[] {
  const metadata = isPlainObject(body.metadata) ? body.metadata : {};
  const said = Object.entries(metadata).filter(
    ([field, value]) => field !== 'managedFields' && !(namespaceAllowed && field === 'namespace') && !isEmpty(value),
  );
  return said.length === 0 ? [] : [{ reason: 'FieldValueInvalid', field: 'metadata', message: `must be empty (it sets ${said.map(([f]) => f).join(', ')})` }];
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

/**
 * The answer to a review: the request as sent, with `status`. The metadata is Go's empty ObjectMeta
 * (`creationTimestamp: null`), with the namespace of a namespaced review.
 */
export function reviewAnswer(
  body: KubeObject,
  kind: Pick<KindIdentity, 'group' | 'version' | 'kind'>,
  namespace: string | undefined,
  parts: Record<string, unknown>,
): KubeObject {
  const metadata = { ...(isPlainObject(body.metadata) ? body.metadata : {}), ...(namespace ? { namespace } : {}), creationTimestamp: null };
  // Go writes an unset time as null, which ObjectMeta's type leaves out.
  return { kind: kind.kind, apiVersion: apiVersionOf(kind), metadata: metadata as unknown as KubeObject['metadata'], ...parts };
}
