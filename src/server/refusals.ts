// How the server answers a request it refuses before any face sees it (a method nothing here
// serves, a malformed request line or Host header): in the error format of the face the path
// belongs to, OCI error JSON for the registry and a Kubernetes Status everywhere else, so every
// client gets an error it can read.
import type { AppError } from '../errors.ts';
import { toStatus } from '../api/to-status.ts';
import { toOciError } from '../registry/to-oci-error.ts';
import { isRegistryPath } from '../registry/registry-face.ts';

export interface Refusal {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** `status` overrides the error's own only for HTTP-level answers no error kind has (408, 431). */
export function refusal(pathname: string, error: AppError, status?: number): Refusal {
  if (isRegistryPath(pathname)) {
    const oci = toOciError(error);
    return {
      status: status ?? oci.status,
      headers: { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0' },
      body: JSON.stringify(oci.body),
    };
  }
  const answer = toStatus(error);
  return {
    status: status ?? answer.code,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(status ? { ...answer, code: status } : answer),
  };
}

/** The path a raw request line names, for a request Node's parser refused: '/' when none is readable. */
export function pathOfRequestLine(raw: Buffer | undefined): string {
  const line = raw?.subarray(0, 8192).toString('latin1').split('\r\n', 1)[0] ?? '';
  const target = /^\S* +(\S+)/.exec(line)?.[1] ?? '/';
  try {
    return new URL(target, 'http://localhost').pathname;
  } catch {
    return '/';
  }
}
