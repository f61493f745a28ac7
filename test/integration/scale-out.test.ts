// Two `ims serve` replicas on one three-member etcd cluster: either replica serves what the other
// wrote, a watch on one sees writes through the other, the controllers run on one leader only and
// move to the other replica when the leader dies, and the API goes on when an etcd member dies.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { startEtcd, etcdBinary, type EtcdCluster } from '../support/etcd.ts';
import { startFakeUpstream, putImage, type FakeUpstream } from '../support/fake-upstream.ts';
import { missingPeer } from '../support/peers.ts';

const skip = missingPeer('etcd', etcdBinary, 'apt-get install etcd-server etcd-client');

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const leads = (server: RunningServer) => server.logs().includes('leading the controllers');

describe('replicas sharing etcd', { skip }, () => {
  let etcd: EtcdCluster;
  let upstream: FakeUpstream;
  let first: RunningServer;
  let second: RunningServer;
  before(async () => {
    etcd = await startEtcd({ members: 3 });
    upstream = await startFakeUpstream();
    const flags = ['--store', 'etcd', '--etcd-endpoints', etcd.endpoints.join(',')];
    first = await startServer(flags);
    second = await startServer(flags);
  });
  after(async () => {
    await first?.stop();
    await second?.stop();
    await upstream?.stop();
    await etcd?.stop();
  });

  const api = (server: RunningServer, method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${first.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('mints the admin token once: the replica started second finds it in etcd and writes none', () => {
    assert.notEqual(first.adminToken, '');
    assert.equal(second.adminToken, '', 'the second replica wrote an admin token of its own');
  });

  it('warns when a replica names another --public-host than the replicas before it', async () => {
    const stray = await startServer(['--store', 'etcd', '--etcd-endpoints', etcd.endpoints.join(','), '--public-host', 'elsewhere.example.com:5000']);
    try {
      const warning = await eventually(
        'the warning',
        async () =>
          stray
            .logs()
            .split('\n')
            .find((line) => line.includes('another --public-host')),
        10_000,
      );
      const fields = JSON.parse(warning) as { level: string; publicHost: string; recorded: string };
      assert.equal(fields.level, 'warn');
      assert.equal(fields.publicHost, 'elsewhere.example.com:5000');
      assert.equal(fields.recorded, `127.0.0.1:${second.port}`);
      assert.equal(stray.adminToken, '', 'nor does a third replica mint an admin token');
    } finally {
      await stray.stop();
    }
  });

  it('serves through either replica what was written through the other, and streams it to watches', async () => {
    const watch = await api(second, 'GET', '/api/v1/namespaces/default/secrets?watch=true&resourceVersion=0&timeoutSeconds=20');
    const reader = watch.body!.getReader();
    const created = await api(first, 'POST', '/api/v1/namespaces/default/secrets', { metadata: { name: 'shared' }, stringData: { k: 'v' } });
    assert.equal(created.status, 201);
    const read = await api(second, 'GET', '/api/v1/namespaces/default/secrets/shared');
    assert.equal(read.status, 200);
    assert.equal(((await read.json()) as { data: { k: string } }).data.k, Buffer.from('v').toString('base64'));
    let seen = '';
    while (!seen.includes('"name":"shared"')) {
      const { value, done } = await reader.read();
      assert.ok(!done, 'the watch ended before the secret showed');
      seen += Buffer.from(value).toString();
    }
    await reader.cancel();
    // The second replica's own writes use the same resourceVersions: an update with a stale one fails.
    const stale = await api(second, 'PUT', '/api/v1/namespaces/default/secrets/shared', {
      metadata: { name: 'shared', resourceVersion: '1' },
      stringData: { k: 'w' },
    });
    assert.equal(stale.status, 409);
  });

  it('runs the controllers on one replica, and on the other once that one dies', async () => {
    const leader = await eventually('a leader', async () => (leads(first) ? first : leads(second) ? second : undefined));
    const follower = leader === first ? second : first;
    assert.equal(leads(follower), false, 'only one replica leads');
    putImage(upstream, 'team/app', 'v1', 'one');
    const stream = (name: string) => ({
      metadata: { name },
      spec: { tags: [{ name: 'v1', from: { kind: 'DockerImage', name: `${upstream.host}/team/app:v1` }, importPolicy: { insecure: true } }] },
    });
    const imported = (server: RunningServer, name: string) => async () => {
      const answer = await api(server, 'GET', `/apis/image.openshift.io/v1/namespaces/default/imagestreams/${name}`);
      const body = (await answer.json()) as { status?: { tags?: { items?: unknown[] }[] } };
      return body.status?.tags?.[0]?.items?.length ? true : undefined;
    };
    assert.equal((await api(follower, 'POST', '/apis/image.openshift.io/v1/namespaces/default/imagestreams', stream('before'))).status, 201);
    await eventually('the leader to import a tag created through the follower', imported(follower, 'before'));

    leader.process.kill('SIGKILL');
    await eventually('the follower to take over', async () => (leads(follower) ? true : undefined), 40_000);
    assert.equal((await api(follower, 'POST', '/apis/image.openshift.io/v1/namespaces/default/imagestreams', stream('after'))).status, 201);
    await eventually('the new leader to import', imported(follower, 'after'));
  });

  it('goes on serving writes when an etcd member dies', async () => {
    const alive = first.process.exitCode === null && first.process.signalCode === null ? first : second;
    await etcd.kill(0);
    const written = await eventually('a write with one etcd member down', async () => {
      const answer = await api(alive, 'POST', '/api/v1/namespaces/default/secrets', {
        metadata: { generateName: 'after-member-loss-' },
        stringData: { k: 'v' },
      });
      return answer.status === 201 ? answer : undefined;
    });
    assert.equal(written.status, 201);
    await etcd.revive(0);
  });
});
