import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdResourceStore } from '../../../src/store/etcd/etcd-resource-store.ts';
import { describeResourceStoreContract } from '../../contracts/resource-store.contract.ts';
import { startEtcd, etcdBinary, type EtcdCluster } from '../../support/etcd.ts';
import { missingPeer } from '../../support/peers.ts';

const skip = missingPeer('etcd', etcdBinary, 'apt-get install etcd-server etcd-client');

describe('etcd backend', { skip }, () => {
  let cluster: EtcdCluster;
  let installations = 0;
  before(async () => {
    cluster = await startEtcd();
  });
  after(async () => {
    await cluster?.stop();
  });

  // Each store of the contract gets a key prefix of its own, as separate installations would.
  describeResourceStoreContract('etcd', {
    open: async () => new EtcdResourceStore({ endpoints: cluster.endpoints, keyPrefix: `/contract-${++installations}/` }),
  });

  it('keeps installations under different key prefixes apart', async () => {
    const one = new EtcdResourceStore({ endpoints: cluster.endpoints, keyPrefix: '/one/' });
    const two = new EtcdResourceStore({ endpoints: cluster.endpoints, keyPrefix: '/two/' });
    await one.create('k/a', { from: 'one' });
    assert.equal((await two.list('k/')).items.length, 0);
    await one.close();
    await two.close();
  });
});
