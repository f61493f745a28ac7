// Hashes content with the algorithm a digest names.
import { createHash, type Hash } from 'node:crypto';
import { parseDigest, type DigestAlgorithm } from '../image/digest.ts';

export function hasherFor(digest: string): { algorithm: DigestAlgorithm; hash: Hash } {
  const { algorithm } = parseDigest(digest);
  return { algorithm, hash: createHash(algorithm) };
}

export function digestOf(content: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(content).digest('hex')}`;
}
