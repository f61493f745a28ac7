import { MemoryResourceStore } from '../../../src/store/memory/memory-resource-store.ts';
import { describeResourceStoreContract } from '../../contracts/resource-store.contract.ts';

describeResourceStoreContract('memory', { open: async () => new MemoryResourceStore() });
