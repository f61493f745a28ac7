// How S3's errors reach the registry: missing objects as absent, an unreachable or failing storage
// as Unavailable (503), a multipart upload changed under us as BLOB_UPLOAD_INVALID. The storage's
// own words go to the log (as the cause), never into answers.
import { AppError } from '../../errors.ts';

export function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.name === 'NoSuchUpload' || e?.$metadata?.httpStatusCode === 404;
}

/** Storage that cannot be reached or answers 5xx: this server cannot serve blobs now, and says so (503), not that it broke. */
export function isUnavailable(error: unknown): boolean {
  const e = error as { $metadata?: { httpStatusCode?: number }; code?: string; name?: string };
  const status = e?.$metadata?.httpStatusCode;
  return (
    (status !== undefined && status >= 500) ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE'].includes(e?.code ?? e?.name ?? '')
  );
}

/** S3's refusals as the registry's errors; the storage's own words stay in the log, not in answers. */
export function storageError(error: unknown): never {
  const e = error as { name?: string };
  if (e?.name === 'InvalidPart' || e?.name === 'NoSuchUpload')
    throw new AppError('BadRequest', 'the upload changed while it was being finished; start it again', { ociCode: 'BLOB_UPLOAD_INVALID' });
  throw error;
}

/** What is left failing after the SDK's retries: Unavailable when the storage is down, else the error itself. */
export function asStorageUnavailable(error: unknown): unknown {
  return isUnavailable(error) ? new AppError('Unavailable', 'the blob storage is not answering', { ociCode: 'UNAVAILABLE', cause: error }) : error;
}
