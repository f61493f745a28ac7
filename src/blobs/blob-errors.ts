// Errors blob backends raise, with their OCI error codes.
import { AppError } from '../errors.ts';

export const blobUnknown = (digest: string) => new AppError('NotFound', `blob unknown to registry: ${digest}`, { ociCode: 'BLOB_UNKNOWN' });
export const uploadUnknown = (id: string) =>
  new AppError('NotFound', `blob upload unknown to registry: ${id.slice(0, 64)}`, { ociCode: 'BLOB_UPLOAD_UNKNOWN' });
export const digestMismatch = (expected: string, actual: string) =>
  new AppError('BadRequest', `provided digest did not match uploaded content: expected ${expected}, got ${actual}`, { ociCode: 'DIGEST_INVALID' });
export const rangeInvalid = (expected: number, got: number) =>
  new AppError('BadRequest', `invalid content range: the upload is at offset ${expected}, not ${got}`, { ociCode: 'RANGE_INVALID' });
export const uploadTooLarge = (limit: number) => new AppError('TooLarge', `the upload is larger than the limit of ${limit} bytes`, { ociCode: 'SIZE_INVALID' });

const uploadId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Upload ids come from URLs: anything but our own UUIDs is unknown, never a path. */
export function checkUploadId(id: string): void {
  if (!uploadId.test(id)) throw uploadUnknown(id);
}
