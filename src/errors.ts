// The one error model of Imagestream. Faces render it (Kubernetes Status, OCI error JSON);
// nothing here knows about HTTP status codes.

export const ErrorKinds = [
  'NotFound',
  'AlreadyExists',
  'Conflict',
  'Invalid',
  'BadRequest',
  'Unauthorized',
  'Forbidden',
  'Gone',
  'TooLarge',
  'MethodNotAllowed',
  'UnsupportedMediaType',
  'NotAcceptable',
  'Timeout',
  // Another registry failed us: refused or reset the connection, failed TLS, or answered 5xx.
  // Not Internal (nothing is wrong here) and not Unavailable (this server itself is fine).
  'Upstream',
  'Unavailable',
  'Internal',
] as const;
export type ErrorKind = (typeof ErrorKinds)[number];

/**
 * The error codes of the OCI distribution spec (and Docker Registry v2) that the registry face
 * answers with. Only the vocabulary lives here, so that any layer can name a code; what each code
 * means on the wire (status, default message) is registry/to-oci-error.ts's table.
 */
export const OciCodes = [
  'BLOB_UNKNOWN',
  'BLOB_UPLOAD_INVALID',
  'BLOB_UPLOAD_UNKNOWN',
  'DIGEST_INVALID',
  'MANIFEST_BLOB_UNKNOWN',
  'MANIFEST_INVALID',
  'MANIFEST_UNKNOWN',
  'NAME_INVALID',
  'NAME_UNKNOWN',
  'PAGINATION_NUMBER_INVALID',
  'SIZE_INVALID',
  'TAG_INVALID',
  'UNAUTHORIZED',
  'DENIED',
  'UNSUPPORTED',
  'TOOMANYREQUESTS',
  'RANGE_INVALID',
  'UNKNOWN',
  'UNAVAILABLE',
] as const;
export type OciCode = (typeof OciCodes)[number];

/** One field problem of an Invalid error, as Kubernetes reports it in `details.causes`. */
export interface FieldCause {
  readonly reason: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported' | 'FieldValueDuplicate' | 'FieldValueForbidden' | 'FieldValueTooLong';
  readonly field: string;
  readonly message: string;
}

/** Which object the error is about, for `Status.details`. */
export interface ErrorSubject {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
}

export interface AppErrorOptions {
  readonly subject?: ErrorSubject;
  readonly causes?: readonly FieldCause[];
  readonly ociCode?: OciCode;
  readonly retryAfterSeconds?: number;
  readonly cause?: unknown;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly subject?: ErrorSubject;
  readonly causes?: readonly FieldCause[];
  readonly ociCode?: OciCode;
  readonly retryAfterSeconds?: number;

  constructor(kind: ErrorKind, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.kind = kind;
    this.subject = options.subject;
    this.causes = options.causes;
    this.ociCode = options.ociCode;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isAppError(error: unknown, kind?: ErrorKind): error is AppError {
  return error instanceof AppError && (kind === undefined || error.kind === kind);
}

/** Turns anything thrown into an AppError; unknown errors become Internal without leaking their text. */
export function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError('Internal', 'an internal error occurred', { cause: error });
}

export function notFound(resource: string, name: string, group = ''): AppError {
  return new AppError('NotFound', `${qualified(resource, group)} "${name}" not found`, {
    subject: { name, group, kind: resource },
  });
}

export function alreadyExists(resource: string, name: string, group = ''): AppError {
  return new AppError('AlreadyExists', `${qualified(resource, group)} "${name}" already exists`, {
    subject: { name, group, kind: resource },
  });
}

export function conflict(resource: string, name: string, group = ''): AppError {
  return new AppError(
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(resource, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { subject: { name, group, kind: resource } },
  );
}

/** Causes an Invalid error reports: an object with a hundred thousand bad entries gets a short answer. */
const maxReportedCauses = 100;

export function invalid(kind: string, name: string, causes: readonly FieldCause[], group = ''): AppError {
  const reported = causes.slice(0, maxReportedCauses);
  const more = causes.length - reported.length;
  const summary = reported.map((c) => `${c.field}: ${describeCause(c)}`).join(', ') + (more > 0 ? `, and ${more} more` : '');
  // As Kubernetes words it: the message names the kind with its group, and each cause's message
  // carries its reason's words ("Invalid value: …"), which kubectl prints after the field.
  return new AppError('Invalid', `${qualified(kind, group)} "${name}" is invalid: ${summary}`, {
    subject: { name, group, kind },
    causes: reported.map((c) => ({ ...c, message: describeCause(c) })),
  });
}

function describeCause(cause: FieldCause): string {
  switch (cause.reason) {
    case 'FieldValueRequired':
      return `Required value${cause.message ? `: ${cause.message}` : ''}`;
    case 'FieldValueDuplicate':
      return `Duplicate value: ${cause.message}`;
    case 'FieldValueNotSupported':
      return `Unsupported value: ${cause.message}`;
    case 'FieldValueForbidden':
      return `Forbidden: ${cause.message}`;
    case 'FieldValueTooLong':
      return `Too long: ${cause.message}`;
    default:
      return `Invalid value: ${cause.message}`;
  }
}

function qualified(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

/** What `read` finds, or undefined when it answers NotFound: the one way to read something optional. */
export async function unlessNotFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isAppError(error, 'NotFound')) return undefined;
    throw error;
  }
}

/**
 * Runs a read-modify-write until it does not meet a Conflict (someone wrote in between), at most
 * `attempts` times; then the last Conflict is thrown. `write` re-reads what it changes each time.
 */
export async function retryOnConflict<T>(attempts: number, write: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write(attempt);
    } catch (error) {
      if (!isAppError(error, 'Conflict') || attempt >= attempts) throw error;
    }
  }
}
