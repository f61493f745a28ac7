// Three `ims serve --store etcd` replicas on a three-member etcd cluster behind haproxy (round robin):
// API writes through the balancer land on every replica and every replica answers the same; the
// controller leader killed during a scheduled import leaves the import to another replica; an etcd
// member killed under write load loses no acknowledged write. The registry through the balancer
// (skopeo, chunked uploads across replicas, kill -9 during pushes) is scale-out-registry.test.ts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { startServer, freePort, type RunningServer } from '../support/serve-process.ts';
import { startEtcd, etcdBinary, type EtcdCluster } from '../support/etcd.ts';
import { startHaproxy, haproxyBinary, type LoadBalancer } from '../support/haproxy.ts';
import { startFakeUpstream, putImage, type FakeUpstream } from '../support/fake-upstream.ts';
import { missingPeer } from '../support/peers.ts';
import { callApi, isRunning, waitFor } from '../support/replica-set.ts';

const skip = missingPeer('etcd', etcdBinary, 'apt-get install etcd-server etcd-client') ?? missingPeer('haproxy', haproxyBinary, 'apt-get install haproxy');

const secrets = '/api/v1/namespaces/default/secrets';
const streams = '/apis/image.openshift.io/v1/namespaces/default/imagestreams';

describe('three replicas behind a load balancer', { skip }, () => {
  let etcd: EtcdCluster;
  let upstream: FakeUpstream;
  let replicas: RunningServer[];
  let balancer: LoadBalancer;
  let token: string;
  before(async () => {
    etcd = await startEtcd({ members: 3 });
    upstream = await startFakeUpstream();
    const balancerPort = await freePort();
    // Every replica names the balancer in pull specs: clients only ever see that host.
    const flags = ['--store', 'etcd', '--etcd-endpoints', etcd.endpoints.join(','), '--import-interval', '1s', '--public-host', `127.0.0.1:${balancerPort}`];
    replicas = [];
    for (let i = 0; i < 3; i++) replicas.push(await startServer(flags));
    balancer = await startHaproxy(
      replicas.map((replica) => `127.0.0.1:${replica.port}`),
      { port: balancerPort },
    );
    token = replicas[0].adminToken;
  });
  after(async () => {
    await balancer?.stop();
    for (const replica of replicas ?? []) await replica.stop();
    await upstream?.stop();
    await etcd?.stop();
  });

  const names = async (base: string, selector: string) => {
    const answer = await callApi(base, token, 'GET', `${secrets}?labelSelector=${encodeURIComponent(selector)}`);
    assert.equal(answer.status, 200);
    const list = (await answer.json()) as { items: { metadata: { name: string; resourceVersion: string } }[] };
    return list.items.map((item) => `${item.metadata.name}@${item.metadata.resourceVersion}`).sort();
  };

  it('minted one admin token among the three replicas', () => {
    assert.deepEqual(
      replicas.map((replica) => replica.adminToken !== ''),
      [true, false, false],
    );
  });

  it('spreads API writes over every replica, and every replica answers the same', async () => {
    const servedBy = new Set<string>();
    for (let i = 0; i < 9; i++) {
      const answer = await callApi(balancer.url, token, 'POST', secrets, { metadata: { name: `spread-${i}`, labels: { test: 'spread' } } });
      assert.equal(answer.status, 201);
      servedBy.add(answer.headers.get('x-served-by') ?? '?');
    }
    assert.deepEqual([...servedBy].sort(), ['r0', 'r1', 'r2']);
    const seen = await Promise.all(replicas.map((replica) => names(replica.url, 'test=spread')));
    assert.equal(seen[0].length, 9);
    assert.deepEqual(seen[1], seen[0]);
    assert.deepEqual(seen[2], seen[0]);
  });

  it('finishes a scheduled import on another replica within 15 s when the leader is killed during it', { timeout: 90_000 }, async () => {
    const first = putImage(upstream, 'team/app', 'v1', 'first');
    const stream = {
      metadata: { name: 'scheduled' },
      spec: { tags: [{ name: 'v1', from: { kind: 'DockerImage', name: `${upstream.host}/team/app:v1` }, importPolicy: { scheduled: true, insecure: true } }] },
    };
    assert.equal((await callApi(balancer.url, token, 'POST', streams, stream)).status, 201);
    const current = async (base: string) => {
      const body = (await (await callApi(base, token, 'GET', `${streams}/scheduled`)).json()) as { status?: { tags?: { items?: { image: string }[] }[] } };
      return body.status?.tags?.[0]?.items?.[0]?.image;
    };
    await waitFor('the first import', async () => ((await current(balancer.url)) === first ? true : undefined), 20_000);
    const leader = await waitFor('the leader', async () => replicas.find((replica) => isRunning(replica) && /leading the controllers/.test(replica.logs())));

    // The leader's next check of the moved tag hangs upstream: that import is in flight when it dies.
    const hung: ServerResponse[] = [];
    const seenBefore = upstream.requests.length;
    upstream.fault(/\/v2\/team\/app\/manifests\/v1$/, 1, (res) => void hung.push(res));
    const second = putImage(upstream, 'team/app', 'v1', 'second');
    await waitFor('the leader to start the scheduled import', async () => (hung.length > 0 ? true : undefined), 20_000);
    assert.ok(upstream.requests.length > seenBefore);
    leader.process.kill('SIGKILL');
    const killedAt = Date.now();
    const survivor = replicas.find((replica) => replica !== leader)!;
    await waitFor('another replica to finish the import', async () => ((await current(survivor.url)) === second ? true : undefined), 15_000);
    process.stderr.write(`# the scheduled import finished ${Date.now() - killedAt} ms after the leader was killed\n`);
    const leaders = replicas.filter((replica) => replica !== leader && /leading the controllers/.test(replica.logs()));
    assert.equal(leaders.length, 1, 'one surviving replica took over the controllers');
    for (const res of hung) res.destroy();
  });

  it('loses no acknowledged write when an etcd member dies under write load', { timeout: 90_000 }, async () => {
    const acknowledged: string[] = [];
    const refused = new Map<string, number>();
    let writing = true;
    let next = 0;
    const writer = async () => {
      while (writing) {
        const name = `load-${next++}`;
        const answer = await callApi(balancer.url, token, 'POST', secrets, { metadata: { name, labels: { test: 'load' } } }).catch(() => undefined);
        if (answer?.status === 201) acknowledged.push(name);
        else refused.set(String(answer?.status ?? 'no answer'), (refused.get(String(answer?.status ?? 'no answer')) ?? 0) + 1);
        await answer?.body?.cancel();
      }
    };
    const writers = Array.from({ length: 4 }, writer);
    await waitFor('writes before the failure', async () => (acknowledged.length >= 40 ? true : undefined), 30_000);
    await etcd.kill(0);
    const atKill = acknowledged.length;
    await waitFor('writes after the failure', async () => (acknowledged.length >= atKill + 40 ? true : undefined), 30_000);
    writing = false;
    await Promise.all(writers);
    process.stderr.write(
      `# ${acknowledged.length} writes acknowledged (${acknowledged.length - atKill} after the member died); refused: ${JSON.stringify(Object.fromEntries(refused))}\n`,
    );
    for (const replica of replicas.filter(isRunning)) {
      const stored = new Set((await names(replica.url, 'test=load')).map((entry) => entry.split('@')[0]));
      const lost = acknowledged.filter((name) => !stored.has(name));
      assert.deepEqual(lost, [], `replica on port ${replica.port} lacks acknowledged writes`);
    }
    await etcd.revive(0);
  });
});
