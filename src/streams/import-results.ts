// How an import's outcome is written into a stream (SPEC §2.6): a success becomes a tag event and
// (re)writes the spec tag; a failure becomes one ImportSuccess=False condition and leaves the
// history, so the last good image stays current.
import type { ImageStream, TagReference } from '../image/image-stream.ts';
import type { AppError, ErrorKind } from '../errors.ts';
import { recordTagEvent } from '../image/image-stream.ts';
import { exactReference, parseImageReference, withDockerDefaults } from '../image/reference.ts';
import { safeMessage } from '../lib/safe-message.ts';
import { withoutNextAttempt } from '../image/next-attempt.ts';

export interface TagImportPolicy {
  readonly insecure?: boolean;
  readonly scheduled?: boolean;
  readonly importMode?: string;
}

/** The spec tag an import of `from` into `tag` needs; an existing tag keeps its reference policy. */
export function ensureSpecTag(
  stream: ImageStream,
  tag: string,
  from: string,
  policy: TagImportPolicy,
  referencePolicy: string | undefined,
  overwrite: boolean,
): void {
  const tags = (stream.spec.tags ??= []);
  const existing = tags.find((t) => t.name === tag);
  const importPolicy = { insecure: Boolean(policy.insecure), scheduled: Boolean(policy.scheduled), importMode: policy.importMode || 'Legacy' };
  if (!existing) {
    tags.push({
      name: tag,
      from: { kind: 'DockerImage', name: from },
      generation: 0,
      importPolicy,
      referencePolicy: { type: referencePolicy === 'Local' ? 'Local' : 'Source' },
    });
    tags.sort((a, b) => a.name.localeCompare(b.name));
    return;
  }
  if (!overwrite) return;
  const changed = existing.from?.kind !== 'DockerImage' || existing.from.name !== from;
  if (changed) Object.assign(existing, { from: { kind: 'DockerImage', name: from }, generation: 0 } satisfies Partial<TagReference>);
  existing.importPolicy = importPolicy;
}

export function recordSuccess(stream: ImageStream, tag: string, reference: string, digest: string, generation: number, now: string): void {
  recordTagEvent(stream, tag, { created: now, dockerImageReference: reference, image: digest, generation });
}

export function recordFailure(stream: ImageStream, tag: string, status: ImportStatus, generation: number, now: string): void {
  const tags = ((stream.status ??= {}).tags ??= []);
  let list = tags.find((t) => t.tag === tag);
  if (!list) {
    list = { tag, items: [] };
    tags.push(list);
    tags.sort((a, b) => a.tag.localeCompare(b.tag));
  }
  const same = list.conditions?.find(
    (c) => c.type === 'ImportSuccess' && c.status === 'False' && c.reason === status.reason && withoutNextAttempt(c.message) === status.message,
  );
  if (same) {
    same.generation = generation;
    return;
  }
  list.conditions = [
    {
      type: 'ImportSuccess',
      status: 'False',
      reason: status.reason,
      message: status.message || 'unknown error prevented import',
      generation,
      lastTransitionTime: now,
    },
  ];
}

export interface ImportStatus {
  readonly status: 'Success' | 'Failure';
  readonly reason: string;
  readonly message: string;
  readonly code: number;
}

/**
 * The Status an import failure reports, worded as OpenShift words it (SPEC §2.5): a reason that
 * classifies the failure and a bounded message with nothing credential-like in it, because every
 * viewer of the project reads it in the stream's conditions.
 */
export function importFailureStatus(error: AppError, from: string): ImportStatus {
  const status = classifyFailure(error, from);
  return { ...status, message: safeMessage(status.message) };
}

function classifyFailure(error: AppError, from: string): ImportStatus {
  let ref = from;
  try {
    ref = exactReference(withDockerDefaults(parseImageReference(from)));
  } catch {
    return { status: 'Failure', reason: 'Invalid', message: 'the provided repository name is not valid', code: 422 };
  }
  return { status: 'Failure', ...failureOf[error.kind](error, ref) };
}

type FailureClassifier = (error: AppError, ref: string) => Omit<ImportStatus, 'status'>;

// OpenShift reports everything it does not classify as InternalError (SPEC §2.5).
const internalError: FailureClassifier = (error, ref) => ({ reason: 'InternalError', message: `Internal error occurred: ${ref}: ${error.message}`, code: 500 });

/** How each kind of failure reads in a stream's condition; the compiler demands a row for every kind. */
const failureOf: Record<ErrorKind, FailureClassifier> = {
  NotFound: (_error, ref) => ({ reason: 'NotFound', message: `dockerimage.image.openshift.io "${ref}" not found`, code: 404 }),
  Unauthorized: (error, ref) =>
    error.subject?.kind === 'refused'
      ? { reason: 'Unauthorized', message: `incorrect username or password for image "${ref}"`, code: 401 }
      : {
          reason: 'Unauthorized',
          message: `you may not have access to the container image "${ref}" and did not have credentials to the repository${unusableNote(error)}`,
          code: 401,
        },
  Forbidden: (error) => ({ reason: 'Forbidden', message: error.message, code: 403 }),
  BadRequest: (error) => ({ reason: 'BadRequest', message: error.message, code: 400 }),
  Timeout: (error, ref) => ({ reason: 'Timeout', message: `${ref}: ${error.message}`, code: 504 }),
  // The registry we import from is down or failing, as to-status renders an Upstream error.
  Upstream: (error, ref) => ({ reason: 'ServiceUnavailable', message: `${ref}: ${error.message}`, code: 503 }),
  Unavailable: (error, ref) =>
    error.ociCode === 'TOOMANYREQUESTS'
      ? { reason: 'TooManyRequests', message: `${ref}: ${error.message}`, code: 429 }
      : { reason: 'ServiceUnavailable', message: `${ref}: ${error.message}`, code: 503 },
  AlreadyExists: internalError,
  Conflict: internalError,
  Invalid: internalError,
  Gone: internalError,
  TooLarge: internalError,
  MethodNotAllowed: internalError,
  UnsupportedMediaType: internalError,
  NotAcceptable: internalError,
  Internal: internalError,
};

/** Names the pull-secret entries for the registry that could not be used, if any. */
function unusableNote(error: AppError): string {
  const entries = error.causes ?? [];
  return entries.length ? ` (${entries.map((c) => `${c.field} cannot be used: ${c.message}`).join('; ')})` : '';
}
