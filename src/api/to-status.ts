// Renders an AppError as a Kubernetes Status; the compiler demands a row for every kind.
import type { AppError, ErrorKind } from '../errors.ts';

export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason: string; message: string; field: string }[]; retryAfterSeconds?: number };
  code: number;
}

const statusOf: Record<ErrorKind, { reason: string; code: number }> = {
  NotFound: { reason: 'NotFound', code: 404 },
  AlreadyExists: { reason: 'AlreadyExists', code: 409 },
  Conflict: { reason: 'Conflict', code: 409 },
  Invalid: { reason: 'Invalid', code: 422 },
  BadRequest: { reason: 'BadRequest', code: 400 },
  Unauthorized: { reason: 'Unauthorized', code: 401 },
  Forbidden: { reason: 'Forbidden', code: 403 },
  Gone: { reason: 'Expired', code: 410 },
  TooLarge: { reason: 'RequestEntityTooLarge', code: 413 },
  MethodNotAllowed: { reason: 'MethodNotAllowed', code: 405 },
  UnsupportedMediaType: { reason: 'UnsupportedMediaType', code: 415 },
  NotAcceptable: { reason: 'NotAcceptable', code: 406 },
  Timeout: { reason: 'Timeout', code: 504 },
  // As kube-aggregator answers when the API server it proxies to cannot be reached: 503
  // ServiceUnavailable. Kubernetes has no reason for 502, and clients would read one as InternalError.
  Upstream: { reason: 'ServiceUnavailable', code: 503 },
  Unavailable: { reason: 'ServiceUnavailable', code: 503 },
  Internal: { reason: 'InternalError', code: 500 },
};

export function toStatus(error: AppError): StatusObject {
  const { reason, code } = statusOf[error.kind];
  const details =
    error.subject || error.causes || error.retryAfterSeconds
      ? {
          ...(error.subject?.name !== undefined ? { name: error.subject.name } : {}),
          ...(error.subject?.group ? { group: error.subject.group } : {}),
          ...(error.subject?.kind ? { kind: error.subject.kind } : {}),
          ...(error.causes ? { causes: error.causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })) } : {}),
          ...(error.retryAfterSeconds ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
        }
      : undefined;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: error.message, reason, ...(details ? { details } : {}), code };
}

export function successStatus(message = '', details?: StatusObject['details']): StatusObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', message, reason: '', ...(details ? { details } : {}), code: 200 };
}
