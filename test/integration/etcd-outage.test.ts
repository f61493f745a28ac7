// When etcd cannot be reached the API says so (503 with a Status, /readyz fails so a load balancer
// stops sending traffic), and when etcd is back the replica serves again with nothing lost.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/serve-process.ts';
import { startEtcd, etcdBinary } from '../support/etcd.ts';
import { missingPeer } from '../support/peers.ts';

const skip = missingPeer('etcd', etcdBinary, 'apt-get install etcd-server etcd-client');

describe('an etcd outage', { skip }, () => {
  it('answers 503 while etcd is down and serves again, with its data, once it is back', async () => {
    const etcd = await startEtcd();
    const server = await startServer(['--store', 'etcd', '--etcd-endpoints', etcd.endpoints.join(',')]);
    try {
      const headers = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
      const secrets = `${server.url}/api/v1/namespaces/default/secrets`;
      assert.equal((await fetch(secrets, { method: 'POST', headers, body: JSON.stringify({ metadata: { name: 'kept' } }) })).status, 201);
      await etcd.kill(0);
      const down = await fetch(secrets, { headers });
      assert.equal(down.status, 503);
      const status = (await down.json()) as { kind: string; reason: string; message: string };
      assert.equal(status.kind, 'Status');
      assert.equal(status.reason, 'ServiceUnavailable');
      assert.match(status.message, /etcd/);
      assert.equal((await fetch(`${server.url}/readyz`)).status, 503);
      await etcd.revive(0);
      const deadline = Date.now() + 30_000;
      let answer = await fetch(`${secrets}/kept`, { headers });
      while (answer.status !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        answer = await fetch(`${secrets}/kept`, { headers });
      }
      assert.equal(answer.status, 200);
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
    } finally {
      await server.stop();
      await etcd.stop();
    }
  });
});
