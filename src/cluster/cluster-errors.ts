// What the cluster refused, as an AppError, once. Kept apart from the connection so that the API's
// proxied kinds need not load the official client (a server with no cluster never loads it).
import { AppError, type ErrorKind } from '../errors.ts';
import { isPlainObject } from '../kube/object.ts';

const kindOfStatus: Record<number, ErrorKind> = {
  400: 'BadRequest',
  401: 'Unavailable',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'TooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  504: 'Timeout',
};

/**
 * The cluster's answer as an AppError. Its Status message is the cluster's own, about an object the
 * caller named, so it is passed on. A 401 means this server's credential for the cluster is bad: an
 * operator's problem, not the caller's, so it is Unavailable.
 */
export function clusterError(status: number, body: unknown): AppError {
  const statusBody = isPlainObject(body) ? body : {};
  const message = typeof statusBody.message === 'string' ? statusBody.message : `the cluster answered ${status}`;
  const reason = statusBody.reason;
  const kind: ErrorKind =
    status === 409 && reason === 'AlreadyExists' ? 'AlreadyExists' : (kindOfStatus[status] ?? (status >= 500 ? 'Unavailable' : 'BadRequest'));
  const details = isPlainObject(statusBody.details) ? statusBody.details : {};
  const causes = Array.isArray(details.causes) ? (details.causes as { reason: 'FieldValueInvalid'; field: string; message: string }[]) : undefined;
  return new AppError(kind, status === 401 ? `the cluster refused this server's credential: ${message}` : message, { causes });
}

/** An error thrown by the official client itself (its ApiException has `code` and `body`; its watch, `statusCode`), as an AppError. */
export function clientError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const { code, body, statusCode } = (error ?? {}) as { code?: unknown; body?: unknown; statusCode?: unknown };
  if (typeof code === 'number') return clusterError(code, body);
  if (typeof statusCode === 'number') return clusterError(statusCode, {});
  return new AppError('Unavailable', `the cluster cannot be reached: ${(error as Error).message}`, { cause: error });
}
