import { MemoryBlobStore } from '../../../src/blobs/memory/memory-blob-store.ts';
import { describeBlobStoreContract } from '../../contracts/blob-store.contract.ts';

describeBlobStoreContract('memory', { open: async (options) => new MemoryBlobStore(options) });
