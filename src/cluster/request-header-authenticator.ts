// Front-proxy authentication, as Kubernetes' request-header authenticator: when (and only when) the
// connection carries a TLS client certificate signed by --requestheader-client-ca-file, whose common
// name is allowed, the user named in X-Remote-User (with X-Remote-Group and X-Remote-Extra-*) is
// who the request comes from. That is how kube-apiserver tells an aggregated API server who asks.
import type { UserInfo } from '../auth/user.ts';
import type { VerifiedClient } from '../lib/verified-client.ts';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { AppError } from '../errors.ts';

export interface RequestHeaderOptions {
  readonly clientCaFile: string;
  /** Common names the proxy's certificate may have; empty: any the CA signed. */
  readonly allowedNames: readonly string[];
  readonly usernameHeaders: readonly string[];
  readonly groupHeaders: readonly string[];
  readonly extraHeaderPrefixes: readonly string[];
}

/** The user the proxy asserts; `refused` for a certificate the CA signed but whose name is not allowed; undefined: no opinion. */
export type FrontProxyAuthentication = { readonly kind: 'user'; readonly user: UserInfo } | { readonly kind: 'refused'; readonly reason: string } | undefined;

export class RequestHeaderAuthenticator {
  private readonly options: RequestHeaderOptions;
  private readonly clientOf: (request: Request) => VerifiedClient | undefined;

  constructor(options: RequestHeaderOptions, clientOf: (request: Request) => VerifiedClient | undefined) {
    this.options = options;
    this.clientOf = clientOf;
  }

  authenticate(request: Request): FrontProxyAuthentication {
    const client = this.clientOf(request);
    // No verified certificate: the headers are anyone's words, and other authenticators decide.
    if (!client) return undefined;
    const commonName = [client.certificate.subject?.CN ?? []].flat()[0] ?? '';
    if (this.options.allowedNames.length > 0 && !this.options.allowedNames.includes(commonName))
      return { kind: 'refused', reason: `the client certificate's common name "${commonName}" is not an allowed front proxy` };
    const values = (name: string) => client.headers[name.toLowerCase()] ?? [];
    const name = this.options.usernameHeaders.flatMap(values).find((value) => value !== '');
    if (name === undefined) return undefined;
    const groups = this.options.groupHeaders.flatMap(values);
    if (!groups.includes('system:authenticated')) groups.push('system:authenticated');
    const extra: Record<string, string[]> = {};
    for (const [header, headerValues] of Object.entries(client.headers)) {
      const prefix = this.options.extraHeaderPrefixes.find((p) => header.startsWith(p.toLowerCase()));
      if (!prefix) continue;
      const key = decodeExtraKey(header.slice(prefix.length));
      extra[key] = [...(extra[key] ?? []), ...(headerValues ?? [])];
    }
    return { kind: 'user', user: { name, groups, ...(Object.keys(extra).length ? { extra } : {}), vouchedBy: 'front-proxy' } };
  }
}

/** The front proxy's CA certificates (PEM), checked at start so a wrong file is named rather than trusting nobody. */
export function readClientCa(file: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (error) {
    throw new AppError(
      'BadRequest',
      `--requestheader-client-ca-file ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read'}`,
    );
  }
  try {
    new X509Certificate(pem);
  } catch {
    throw new AppError('BadRequest', `--requestheader-client-ca-file ${file}: not a PEM certificate`);
  }
  return pem;
}

/** Extra keys are percent-encoded in header names (Kubernetes' convention); a malformed escape is kept as written. */
function decodeExtraKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded).toLowerCase();
  } catch {
    return encoded.toLowerCase();
  }
}
