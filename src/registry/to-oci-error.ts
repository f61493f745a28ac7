// Renders an AppError as an OCI distribution error body; the compiler demands a row for every kind.
import type { AppError, ErrorKind } from '../errors.ts';

const codeStatus: Record<string, number> = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  // Not in the OCI spec's table; the distribution registry's code for a bad page size.
  PAGINATION_NUMBER_INVALID: 400,
  SIZE_INVALID: 400,
  TAG_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 405,
  TOOMANYREQUESTS: 429,
  RANGE_INVALID: 416,
  UNKNOWN: 500,
  UNAVAILABLE: 503,
};

const byKind: Record<ErrorKind, { code: string; status: number }> = {
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
  Unavailable: { code: 'UNAVAILABLE', status: 503 },
  Internal: { code: 'UNKNOWN', status: 500 },
};

export function toOciError(error: AppError): { status: number; body: { errors: { code: string; message: string; detail?: unknown }[] } } {
  const fallback = byKind[error.kind];
  const code = error.ociCode ?? fallback.code;
  // A TooLarge keeps 413 whatever its code; otherwise the code decides, as in the distribution spec.
  const status = error.kind === 'TooLarge' ? 413 : error.ociCode ? (codeStatus[error.ociCode] ?? fallback.status) : fallback.status;
  return { status, body: { errors: [{ code, message: error.message }] } };
}

export function ociErrorResponse(error: AppError, headers: Record<string, string> = {}): Response {
  const { status, body } = toOciError(error);
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}
