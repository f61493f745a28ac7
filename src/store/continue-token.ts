// Opaque `continue` tokens for paged lists: the last key returned, so the next page starts after it.
import { AppError } from '../errors.ts';

export function encodeContinue(lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 1, k: lastKey })).toString('base64url');
}

export function decodeContinue(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: number; k?: unknown };
    if (parsed.v === 1 && typeof parsed.k === 'string') return parsed.k;
  } catch {
    // fall through to the typed error
  }
  throw new AppError('BadRequest', 'continue key is not valid');
}
