// The Transport over undici: system CAs plus --extra-ca for verified TLS, and a second agent that
// skips verification for registries marked insecure. Both connect through the address guard, so
// redirects and token realms are held to the same rule as the registry itself.
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, fetch } from 'undici';
import type { Transport } from './registry-client.ts';
import { guardedConnector, type AddressGuardOptions } from './address-guard.ts';

export interface UndiciTransportOptions {
  readonly extraCaFile?: string;
  readonly connectTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** Which addresses may be reached; by default no private ones. */
  readonly addresses?: AddressGuardOptions;
}

export function createUndiciTransport(options: UndiciTransportOptions = {}): Transport & { close(): Promise<void> } {
  const ca = [...rootCertificates, ...(options.extraCaFile ? [readFileSync(options.extraCaFile, 'utf8')] : [])];
  const timeouts = { headersTimeout: options.requestTimeoutMs ?? 30_000, bodyTimeout: options.requestTimeoutMs ?? 60_000 };
  const guard = options.addresses ?? { allowPrivate: false };
  const connectTimeout = options.connectTimeoutMs ?? 15_000;
  const verified = new Agent({ ...timeouts, connect: guardedConnector({ timeout: connectTimeout, ca }, guard) });
  const unverified = new Agent({ ...timeouts, connect: guardedConnector({ timeout: connectTimeout, rejectUnauthorized: false }, guard) });
  return {
    async fetch(url, init) {
      const response = await fetch(url, {
        method: init.method,
        headers: init.headers,
        signal: init.signal,
        redirect: 'follow',
        dispatcher: init.insecure ? unverified : verified,
      });
      // undici's own Response class: the same WHATWG interface as the global type, declared apart.
      return response as unknown as Response;
    },
    async close() {
      // Destroyed, not closed: a request still waiting on a registry that never answers would hold a close until its timeout.
      await Promise.all([verified.destroy(), unverified.destroy()]);
    },
  };
}
