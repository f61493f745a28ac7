// What the TLS listener learned about a request's connection that the web Request cannot carry: the
// client certificate it verified against its client CA, and the request's headers one value per
// line as sent (Headers joins repeated ones). Set only by the listener, for verified connections,
// so nothing a client writes can forge it.
import type { PeerCertificate } from 'node:tls';

export interface VerifiedClient {
  readonly certificate: PeerCertificate;
  /** Header name (lower case) → every value sent under it. */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
}

const verified = new WeakMap<Request, VerifiedClient>();

export function noteVerifiedClient(request: Request, client: VerifiedClient): void {
  verified.set(request, client);
}

export function verifiedClientOf(request: Request): VerifiedClient | undefined {
  return verified.get(request);
}
