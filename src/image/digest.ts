// Content digests (`sha256:<64 hex>`, `sha512:<128 hex>`) as the OCI image spec defines them.
import { AppError } from '../errors.ts';

export type DigestAlgorithm = 'sha256' | 'sha512';

export interface Digest {
  readonly algorithm: DigestAlgorithm;
  readonly hex: string;
  /** `algorithm:hex`. */
  readonly text: string;
}

const hexLength: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };
const grammar = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;

/** Parses a digest; BadRequest (with the OCI code DIGEST_INVALID) for anything malformed or unsupported. */
export function parseDigest(text: string): Digest {
  const match = grammar.exec(text);
  if (!match) throw invalidDigest(`invalid digest "${truncate(text)}": it must look like sha256:<64 hex characters>`);
  const algorithm = match[1];
  if (algorithm !== 'sha256' && algorithm !== 'sha512') throw invalidDigest(`unsupported digest algorithm "${truncate(algorithm)}": use sha256 or sha512`);
  const hex = match[2];
  if (hex.length !== hexLength[algorithm] || !/^[a-f0-9]+$/.test(hex)) {
    throw invalidDigest(`invalid ${algorithm} digest "${truncate(text)}": it must have ${hexLength[algorithm]} lower-case hex characters`);
  }
  return { algorithm, hex, text };
}

export function isDigest(text: string): boolean {
  const match = grammar.exec(text);
  if (!match) return false;
  const algorithm = match[1];
  return (algorithm === 'sha256' || algorithm === 'sha512') && match[2].length === hexLength[algorithm] && /^[a-f0-9]+$/.test(match[2]);
}

function invalidDigest(message: string): AppError {
  return new AppError('BadRequest', message, { ociCode: 'DIGEST_INVALID' });
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
