// Small helpers to build API responses.
import type { AppError } from '../errors.ts';
import { toStatus } from './to-status.ts';

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

export function statusResponse(error: AppError, headers: Record<string, string> = {}): Response {
  const status = toStatus(error);
  const extra: Record<string, string> = { ...headers };
  if (error.retryAfterSeconds) extra['retry-after'] = String(error.retryAfterSeconds);
  return jsonResponse(status, status.code, extra);
}
