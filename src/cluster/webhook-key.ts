// The secret in the admission webhook's URL. A kube-apiserver calls webhooks without credentials
// unless its own admission config says otherwise (which managed clusters do not let users set), and
// an unauthenticated caller could otherwise ask which digests any namespace's tags point at. So
// the path carries a random key, kept in the store (every replica serves the same URL) under a
// key no API kind serves, and compared in constant time.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ResourceStore } from '../store/resource-store.ts';
import { isAppError, unlessNotFound } from '../errors.ts';
import { objectKey } from '../kube/object.ts';

const storeKey = objectKey('imagestream.io', 'webhookkeys', '', 'admission');

export class WebhookKey {
  private readonly store: Pick<ResourceStore, 'get' | 'create'>;
  private cached?: Promise<string>;

  constructor(store: Pick<ResourceStore, 'get' | 'create'>) {
    this.store = store;
  }

  /** The key, made on first use; a replica that loses the race to create it reads the winner's. */
  value(): Promise<string> {
    this.cached ??= this.load().catch((error: unknown) => {
      this.cached = undefined;
      throw error;
    });
    return this.cached;
  }

  async matches(candidate: string): Promise<boolean> {
    const key = Buffer.from(await this.value());
    const given = Buffer.from(candidate);
    return given.length === key.length && timingSafeEqual(given, key);
  }

  private async load(): Promise<string> {
    const stored = await unlessNotFound(this.store.get(storeKey));
    if (stored) return String(stored.value.key);
    const key = randomBytes(24).toString('base64url');
    try {
      await this.store.create(storeKey, { key });
      return key;
    } catch (error) {
      if (!isAppError(error, 'AlreadyExists')) throw error;
      return String((await this.store.get(storeKey)).value.key);
    }
  }
}
