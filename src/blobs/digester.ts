// Digests of content, in the algorithm asked for.
import { createHash } from 'node:crypto';
import type { DigestAlgorithm } from '../image/digest.ts';

export function digestOf(content: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(content).digest('hex')}`;
}
