// The mutating admission webhook (AdmissionReview admission.k8s.io/v1) a cluster calls when pods
// and workloads are created or updated: pull-policy defaults, image lookup of short names (SPEC §6,
// §10) and, for new workloads, the current images of their triggers (SPEC §7), through the same
// admission code as the embedded API. It never refuses: what it could not do is said in the
// response's warnings, and the object is admitted as it came (the configuration's failurePolicy
// is Ignore for the same reason: image lookup is a convenience, not a gate).
import type { ResourceStore } from '../store/resource-store.ts';
import type { Logger } from '../lib/logger.ts';
import type { KubeObject } from '../kube/object.ts';
import type { WebhookKey } from './webhook-key.ts';
import { AppError, asAppError } from '../errors.ts';
import { isPlainObject } from '../kube/object.ts';
import { statusResponse, jsonResponse } from '../api/http-responses.ts';
import { readBodyWithLimit } from '../api/read-body.ts';
import { applyCurrentTriggerImages, notFollowedWarning, resolveWorkloadImageNames, triggerCauses, workloadDefaults } from '../api/admission/workload-images.ts';
import type { MayFollow } from '../api/admission/cross-namespace-triggers.ts';
import { appliedTriggersAnnotation } from '../image/triggers.ts';
import { clusterWorkloadKind } from './cluster-kinds.ts';
import { jsonPatchBetween } from './json-patch-diff.ts';
import type { NamespaceGate } from './connected-namespaces.ts';

/** The path under /admission/<key>/ the webhook configuration names. */
export const admissionPath = 'images';

export interface AdmissionWebhookDeps {
  readonly store: ResourceStore;
  /** Whether a namespace's workloads may follow another namespace's stream. */
  readonly mayFollow: MayFollow;
  /** With a cluster connected: only its connected namespaces are reviewed. */
  readonly namespaces?: NamespaceGate;
  readonly key: Pick<WebhookKey, 'matches'>;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
}

interface AdmissionRequest {
  readonly uid: string;
  readonly kind: { readonly group?: string; readonly kind?: string };
  readonly subResource?: string;
  readonly namespace?: string;
  readonly operation: string;
  readonly object?: unknown;
  readonly oldObject?: unknown;
}

export async function reviewAdmission(deps: AdmissionWebhookDeps, request: Request, requestId: string): Promise<Response> {
  const url = new URL(request.url);
  const [, , key, path] = url.pathname.split('/');
  if (url.protocol !== 'https:') return statusResponse(new AppError('Forbidden', 'the admission webhook is served over TLS only, as the cluster calls it'));
  if (!key || !(await deps.key.matches(key)) || path !== admissionPath || url.pathname.split('/').length !== 4)
    return statusResponse(new AppError('NotFound', 'the server could not find the requested resource'));
  if (request.method !== 'POST') return statusResponse(new AppError('MethodNotAllowed', 'the admission webhook takes POST only'));
  const review = parseReview(new TextDecoder().decode(await readBodyWithLimit(request, deps.maxBodyBytes)));
  const answer = (response: Record<string, unknown>) =>
    jsonResponse({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.uid, allowed: true, ...response } });
  const kind = clusterWorkloadKind(review.kind.group ?? '', review.kind.kind);
  if (!kind || review.subResource || !['CREATE', 'UPDATE'].includes(review.operation) || !isPlainObject(review.object)) return answer({});
  if (deps.namespaces && !deps.namespaces.isConnected(review.namespace ?? '')) return answer({});
  const warnings: string[] = [];
  const original = review.object as KubeObject;
  const working = structuredClone(original);
  // Lookup and triggers read the namespace from the object, where Kubernetes may leave it out of a
  // new one: the request's namespace (the one checked above) is the one that counts.
  working.metadata = { ...working.metadata, namespace: review.namespace ?? '' };
  const old = isPlainObject(review.oldObject) ? (review.oldObject as KubeObject) : undefined;
  try {
    workloadDefaults(working, kind.kind);
    const problems = triggerCauses(working, kind.kind);
    if (problems.length > 0) warnings.push(`image triggers ignored: ${problems.map((p) => p.message).join('; ')}`);
    // Only a new object takes its triggers' images here; later tag changes are the trigger
    // controller's, and an update (a rollback by hand among them) is left as written.
    else if (review.operation === 'CREATE') {
      const { applied, noImage, notFollowed } = await applyCurrentTriggerImages(working, kind.kind, { store: deps.store }, deps.mayFollow);
      for (const tag of noImage) warnings.push(`image trigger on ${tag}: the tag has no image yet; the container keeps its image until it has one`);
      for (const tag of notFollowed) warnings.push(notFollowedWarning(tag, review.namespace ?? ''));
      if (Object.keys(applied).length > 0)
        working.metadata = { ...working.metadata, annotations: { ...working.metadata?.annotations, [appliedTriggersAnnotation]: JSON.stringify(applied) } };
    }
    await resolveWorkloadImageNames(working, old, kind.kind, { store: deps.store });
  } catch (error) {
    const failure = asAppError(error);
    deps.logger.warn('admission review failed; admitting unchanged', { requestId, uid: review.uid, error });
    return answer({ warnings: [`imagestream: images were not resolved: ${failure.kind === 'Internal' ? 'an internal error occurred' : failure.message}`] });
  }
  working.metadata = { ...working.metadata, namespace: original.metadata?.namespace };
  if (original.metadata?.namespace === undefined) delete working.metadata.namespace;
  const patch = jsonPatchBetween(original, working);
  return answer({
    ...(patch.length > 0 ? { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  });
}

function parseReview(text: string): AdmissionRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError('BadRequest', 'the body must be an AdmissionReview in JSON');
  }
  if (!isPlainObject(body) || body.apiVersion !== 'admission.k8s.io/v1' || body.kind !== 'AdmissionReview' || !isPlainObject(body.request))
    throw new AppError('BadRequest', 'the body must be an AdmissionReview of apiVersion admission.k8s.io/v1 with a request');
  const request = body.request;
  if (typeof request.uid !== 'string' || request.uid === '' || request.uid.length > 128)
    throw new AppError('BadRequest', 'the AdmissionReview request needs a uid');
  if (typeof request.operation !== 'string' || !isPlainObject(request.kind))
    throw new AppError('BadRequest', 'the AdmissionReview request needs a kind and an operation');
  return request as unknown as AdmissionRequest;
}
