// The filesystem BlobStore: the content-addressed layer over a FsBlobDriver rooted in one directory.
import { join } from 'node:path';
import { ContentAddressedBlobStore } from '../content-addressed-blob-store.ts';
import { FsBlobDriver } from './fs-blob-driver.ts';
import type { Clock } from '../../lib/clock.ts';

/**
 * Where the verified blobs of a store rooted at `root` live (beside `uploads/` and `tmp/`): immutable
 * files named by digest, which a backup copies with any file tool.
 */
export function fsBlobContentDir(root: string): string {
  return join(root, 'blobs');
}

export class FsBlobStore extends ContentAddressedBlobStore {
  private readonly fsDriver: FsBlobDriver;

  constructor(root: string, deps: { clock?: Clock } = {}) {
    const driver = new FsBlobDriver(root);
    super(driver, deps);
    this.fsDriver = driver;
  }

  async init(): Promise<this> {
    await this.fsDriver.init();
    return this;
  }
}
