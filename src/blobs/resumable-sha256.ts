// A SHA-256 whose state between chunks can be saved as a string and loaded anywhere, so that an
// upload begun on one replica can be hashed on by another without reading its bytes back. Node's
// crypto hashes cannot export their state, and the parts of an unfinished S3 multipart upload
// cannot be read at all, so hashing at the end would mean assembling and then downloading the
// whole blob once more. hash-wasm's hashers save and load their internal state (a WebAssembly
// implementation: no native addon); it is slower than OpenSSL, so drivers whose unfinished bytes
// can be read back (fs, memory) keep using Node's hash in process and hash again only after a restart.
import { createSHA256, type IHasher } from 'hash-wasm';

export interface ResumableSha256 {
  update(chunk: Uint8Array): void;
  /** The state after every byte so far, base64: what `resumeSha256` takes. */
  save(): string;
  /** `sha256:<hex>` of every byte so far; the hash can go on afterwards. */
  digest(): string;
}

export async function resumeSha256(saved?: string): Promise<ResumableSha256> {
  const hasher: IHasher = await createSHA256();
  if (saved === undefined) hasher.init();
  else hasher.load(Buffer.from(saved, 'base64'));
  return {
    update: (chunk) => void hasher.update(chunk),
    save: () => Buffer.from(hasher.save()).toString('base64'),
    digest() {
      const state = hasher.save();
      const hex = hasher.digest('hex');
      hasher.load(state);
      return `sha256:${hex}`;
    },
  };
}
