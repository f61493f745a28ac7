// The Transport over undici: system CAs plus --extra-ca for verified TLS, and a second agent that
// skips verification for registries marked insecure.
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, fetch } from 'undici';
import type { Transport } from './registry-client.ts';

export function createUndiciTransport(options: { extraCaFile?: string; connectTimeoutMs?: number; requestTimeoutMs?: number } = {}): Transport & { close(): Promise<void> } {
  const ca = [...rootCertificates, ...(options.extraCaFile ? [readFileSync(options.extraCaFile, 'utf8')] : [])];
  const timeouts = { headersTimeout: options.requestTimeoutMs ?? 30_000, bodyTimeout: options.requestTimeoutMs ?? 60_000, connect: { timeout: options.connectTimeoutMs ?? 15_000 } };
  const verified = new Agent({ ...timeouts, connect: { ...timeouts.connect, ca } });
  const unverified = new Agent({ ...timeouts, connect: { ...timeouts.connect, rejectUnauthorized: false } });
  return {
    async fetch(url, init) {
      const response = await fetch(url, { method: init.method, headers: init.headers, signal: init.signal, redirect: 'follow', dispatcher: init.insecure ? unverified : verified });
      return response as unknown as Response;
    },
    async close() {
      await Promise.all([verified.close(), unverified.close()]);
    },
  };
}
