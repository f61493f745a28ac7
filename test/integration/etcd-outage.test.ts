// When etcd cannot be reached the API says so (503 with a Status, /readyz fails so a load balancer
// stops sending traffic), and when etcd is back the replica serves again at once with nothing lost,
// and its controllers lead again within two seconds, even after an outage long enough to lose the lease.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/serve-process.ts';
import { startEtcd, etcdBinary } from '../support/etcd.ts';
import { startFakeUpstream, putImage } from '../support/fake-upstream.ts';
import { missingPeer } from '../support/peers.ts';
import { waitFor, untilLogged } from '../support/replica-set.ts';

const skip = missingPeer('etcd', etcdBinary, 'apt-get install etcd-server etcd-client');

describe('an etcd outage', { skip }, () => {
  it('answers 503 while etcd is down and serves again, with its data, as soon as etcd is back', async () => {
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
      // The worst moment for etcd to come back: just after the client's circuit breaker let one call
      // through to the dead cluster and opened again. The etcd3 client's default then refused every
      // call for another 5 s, long after etcd was healthy.
      const outageMessage = async () => {
        const answer = await fetch(secrets, { headers });
        return answer.status === 503 ? ((await answer.json()) as { message: string }).message : undefined;
      };
      await waitFor('the circuit breaker to open', async () => ((await outageMessage())?.includes('circuit breaker is open') ? true : undefined), 20_000);
      await waitFor(
        'a call let through to the dead cluster',
        async () => ((await outageMessage())?.includes('circuit breaker') === false ? true : undefined),
        20_000,
      );
      await etcd.revive(0);
      const answer = await waitFor(
        'the API to answer again',
        async () => {
          const response = await fetch(`${secrets}/kept`, { headers });
          return response.status === 200 ? response : undefined;
        },
        3_000,
      );
      assert.equal(answer.status, 200);
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
    } finally {
      await server.stop();
      await etcd.stop();
    }
  });

  it('leads and imports again as soon as etcd is back after an outage that cost the lease', { timeout: 90_000 }, async () => {
    const etcd = await startEtcd();
    const upstream = await startFakeUpstream();
    const server = await startServer(['--store', 'etcd', '--etcd-endpoints', etcd.endpoints.join(',')]);
    try {
      await untilLogged(server, /leading the controllers/, 20_000);
      await etcd.kill(0);
      // The client gives the lease up after two TTLs without a keep-alive; etcd renews it on restart.
      await untilLogged(server, /lost the controllers lease/, 40_000);
      await etcd.revive(0);
      const healthyAt = Date.now();
      // Before, the replica waited for its own old campaign key: a whole TTL (about 11 s).
      await untilLogged(server, /leading the controllers[\s\S]*leading the controllers/, 3_000);
      const elapsedMs = Date.now() - healthyAt;
      process.stderr.write(`# controllers leading again ${elapsedMs} ms after etcd was healthy\n`);

      putImage(upstream, 'team/app', 'v1', 'after the outage');
      const headers = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
      const streams = `${server.url}/apis/image.openshift.io/v1/namespaces/default/imagestreams`;
      const stream = {
        metadata: { name: 'app' },
        spec: { tags: [{ name: 'v1', from: { kind: 'DockerImage', name: `${upstream.host}/team/app:v1` }, importPolicy: { insecure: true } }] },
      };
      assert.equal((await fetch(streams, { method: 'POST', headers, body: JSON.stringify(stream) })).status, 201);
      await waitFor(
        'the tag to be imported',
        async () => {
          const body = (await (await fetch(`${streams}/app`, { headers })).json()) as { status?: { tags?: { items?: unknown[] }[] } };
          return body.status?.tags?.[0]?.items?.length ? true : undefined;
        },
        15_000,
      );
    } catch (error) {
      process.stderr.write(server.logs());
      throw error;
    } finally {
      await server.stop();
      await upstream.stop();
      await etcd.stop();
    }
  });
});
