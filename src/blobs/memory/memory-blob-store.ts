// The in-memory BlobStore: the content-addressed layer over a MemoryBlobDriver.
import { ContentAddressedBlobStore } from '../content-addressed-blob-store.ts';
import { MemoryBlobDriver } from './memory-blob-driver.ts';
import type { Clock } from '../../lib/clock.ts';

export class MemoryBlobStore extends ContentAddressedBlobStore {
  constructor(deps: { clock?: Clock } = {}) {
    super(new MemoryBlobDriver(), deps);
  }
}
