// Renders an AppError as an OCI distribution error body. Two tables decide everything: each OCI
// code's descriptor (its status and default message) and each kind's code; the compiler demands a
// row for every code and every kind, and a handler can only name a code, never a status.
import type { AppError, ErrorKind, OciCode } from '../errors.ts';

interface OciCodeDescriptor {
  readonly status: number;
  /** Said when the error carries no message of its own. */
  readonly message: string;
}

/** What each code means on the wire, as the distribution spec's error-code table has it. */
export const ociCodeDescriptors: Record<OciCode, OciCodeDescriptor> = {
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry' },
  BLOB_UPLOAD_INVALID: { status: 400, message: 'blob upload invalid' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content' },
  MANIFEST_BLOB_UNKNOWN: { status: 400, message: 'manifest references a blob unknown to registry' },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown' },
  NAME_INVALID: { status: 400, message: 'invalid repository name' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry' },
  // Not in the OCI spec's table; the distribution registry's code for a bad page size.
  PAGINATION_NUMBER_INVALID: { status: 400, message: 'invalid number of results requested' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length' },
  TAG_INVALID: { status: 400, message: 'manifest tag did not match URI' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  DENIED: { status: 403, message: 'requested access to the resource is denied' },
  UNSUPPORTED: { status: 405, message: 'the operation is unsupported' },
  TOOMANYREQUESTS: { status: 429, message: 'too many requests' },
  RANGE_INVALID: { status: 416, message: 'invalid content range' },
  UNKNOWN: { status: 500, message: 'unknown error' },
  UNAVAILABLE: { status: 503, message: 'service unavailable' },
};

/**
 * The code of an error that names none, and the status it gets then. The status is the kind's
 * own where the code's would mislead a client: a Conflict is 409 though DENIED is 403.
 */
const byKind: Record<ErrorKind, { code: OciCode; status: number }> = {
  NotFound: { code: 'NAME_UNKNOWN', status: 404 },
  AlreadyExists: { code: 'DENIED', status: 409 },
  Conflict: { code: 'DENIED', status: 409 },
  Invalid: { code: 'MANIFEST_INVALID', status: 400 },
  BadRequest: { code: 'UNSUPPORTED', status: 400 },
  Unauthorized: { code: 'UNAUTHORIZED', status: 401 },
  Forbidden: { code: 'DENIED', status: 403 },
  Gone: { code: 'NAME_UNKNOWN', status: 404 },
  TooLarge: { code: 'SIZE_INVALID', status: 413 },
  MethodNotAllowed: { code: 'UNSUPPORTED', status: 405 },
  UnsupportedMediaType: { code: 'MANIFEST_INVALID', status: 415 },
  NotAcceptable: { code: 'UNSUPPORTED', status: 406 },
  Timeout: { code: 'UNAVAILABLE', status: 503 },
  Upstream: { code: 'UNAVAILABLE', status: 503 },
  Unavailable: { code: 'UNAVAILABLE', status: 503 },
  Internal: { code: 'UNKNOWN', status: 500 },
};

export interface OciErrorBody {
  errors: { code: OciCode; message: string; detail?: unknown }[];
}

export function toOciError(error: AppError): { status: number; body: OciErrorBody } {
  const fallback = byKind[error.kind];
  const code = error.ociCode ?? fallback.code;
  const descriptor = ociCodeDescriptors[code];
  // A TooLarge keeps 413 whatever its code; otherwise the code decides, as in the distribution spec.
  const status = error.kind === 'TooLarge' ? 413 : error.ociCode ? descriptor.status : fallback.status;
  return { status, body: { errors: [{ code, message: error.message || descriptor.message }] } };
}

export function ociErrorResponse(error: AppError, headers: Record<string, string> = {}): Response {
  const { status, body } = toOciError(error);
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}
