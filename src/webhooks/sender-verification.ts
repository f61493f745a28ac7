// How a delivery proves it comes from the receiver's sender: GitHub and the generic sender sign the
// body with the shared secret (HMAC-SHA256, `sha256=<hex>`); the others cannot sign, so their URL
// carries the secret. Every comparison takes the same time whatever the bytes, so an attacker
// learns nothing from how fast a guess is refused.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookType } from '../kube/kinds/image.ts';
import { signingWebhookTypes } from '../kube/kinds/image.ts';

/** The header each signing sender puts its signature in; senders without one carry the secret in the URL. */
export const signatureHeaders: Partial<Record<WebhookType, string>> = {
  ghcr: 'x-hub-signature-256',
  generic: 'x-signature-256',
};

export function isSigningSender(type: WebhookType): boolean {
  return signingWebhookTypes.includes(type);
}

/** Whether `given` is the secret; both are hashed first, so their lengths leak nothing either. */
export function secretMatches(given: string, secret: string): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(secret).digest());
}

/** Whether `signature` (`sha256=<hex>`) is the HMAC-SHA256 of `body` under `secret`. */
export function signatureMatches(body: Buffer, signature: string, secret: string): boolean {
  const expected = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return secretMatches(signature.trim().toLowerCase(), expected);
}

/** The signature header's value for `body`, as a signing sender computes it (for senders and tests). */
export function signatureOf(body: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
