// Errors a backend raises about keys. The API layer rewrites them with the resource's own words.
import { AppError } from '../errors.ts';

export function keyNotFound(key: string): AppError {
  return new AppError('NotFound', `key "${key}" not found`, { subject: { name: key } });
}

export function keyExists(key: string): AppError {
  return new AppError('AlreadyExists', `key "${key}" already exists`, { subject: { name: key } });
}

export function keyConflict(key: string): AppError {
  return new AppError('Conflict', `key "${key}" was modified`, { subject: { name: key } });
}

export function parseResourceVersion(resourceVersion: string): bigint {
  if (!/^\d+$/.test(resourceVersion)) throw new AppError('BadRequest', `invalid resource version "${resourceVersion}"`);
  return BigInt(resourceVersion);
}

export function tooOldResourceVersion(resourceVersion: string): AppError {
  return new AppError('Gone', `too old resource version: ${resourceVersion}`);
}
