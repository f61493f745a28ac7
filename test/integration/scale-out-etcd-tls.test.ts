// Replicas reach an etcd that serves clients over TLS and checks their certificates
// (--client-cert-auth): with --etcd-ca, --etcd-cert and --etcd-key the store and the controllers'
// election work; without a client certificate the server refuses to start and says why.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { startEtcd, etcdBinary, type EtcdCluster } from '../support/etcd.ts';
import { makeIssuingAuthority } from '../support/tls.ts';
import { missingPeer } from '../support/peers.ts';
import { callApi, untilLogged } from '../support/replica-set.ts';

const skip = missingPeer('etcd', etcdBinary, 'apt-get install etcd-server etcd-client');

describe('etcd over TLS with client certificates', { skip }, () => {
  let etcd: EtcdCluster;
  let authority: ReturnType<typeof makeIssuingAuthority>;
  let client: { cert: string; key: string };
  before(async () => {
    authority = makeIssuingAuthority();
    client = authority.issue('ims-replica');
    etcd = await startEtcd({ tls: { ca: authority.ca, server: authority.issue('etcd'), client } });
  });
  after(() => etcd?.stop());

  it('stores through TLS and elects a leader with the client certificate', async () => {
    assert.match(etcd.endpoints[0], /^https:\/\//);
    const server = await startServer([
      '--store',
      'etcd',
      '--etcd-endpoints',
      etcd.endpoints.join(','),
      '--etcd-ca',
      authority.ca,
      '--etcd-cert',
      client.cert,
      '--etcd-key',
      client.key,
    ]);
    try {
      const created = await callApi(server.url, server.adminToken, 'POST', '/api/v1/namespaces/default/secrets', { metadata: { name: 'over-tls' } });
      assert.equal(created.status, 201);
      assert.equal((await callApi(server.url, server.adminToken, 'GET', '/api/v1/namespaces/default/secrets/over-tls')).status, 200);
      await untilLogged(server, /leading the controllers/, 20_000);
    } finally {
      await server.stop();
    }
  });

  it('refuses to start without a client certificate, naming etcd', async () => {
    let server: RunningServer | undefined;
    await assert.rejects(
      async () => (server = await startServer(['--store', 'etcd', '--etcd-endpoints', etcd.endpoints.join(','), '--etcd-ca', authority.ca])),
      /exited with 1: [\s\S]*etcd/,
    );
    await server?.stop();
  });
});
