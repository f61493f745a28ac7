// The registry's caches (tag lookups, links, tokens, RBAC decisions and the fast path's one-second
// answer memo) on one replica are emptied by etcd watches when another replica changes what they
// hold: a tag deleted, a token revoked or a binding removed through replica 1 is refused by replica
// 2 as soon as the change reaches its watch, although replica 2 had just answered from its caches.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { startEtcd, etcdBinary, type EtcdCluster } from '../support/etcd.ts';
import { pushOverHttp } from '../support/http-push.ts';
import { missingPeer } from '../support/peers.ts';
import { callApi, waitFor } from '../support/replica-set.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const skip = missingPeer('etcd', etcdBinary, 'apt-get install etcd-server etcd-client');

/** How long a change may take to reach the other replica's watch: an upper bound, far below "never". */
const propagationMs = 3_000;

describe('registry caches across replicas', { skip }, () => {
  let etcd: EtcdCluster;
  let one: RunningServer;
  let two: RunningServer;
  before(async () => {
    etcd = await startEtcd();
    // One data dir for both: blobs are files there until --blobs s3, and the manifests must be readable on both.
    const dataDir = makeTempDir('ims-shared');
    const flags = ['--store', 'etcd', '--etcd-endpoints', etcd.endpoints.join(',')];
    one = await startServer(flags, { dataDir });
    two = await startServer(flags, { dataDir });
  });
  after(async () => {
    await one?.stop();
    await two?.stop();
    await etcd?.stop();
  });

  const pull = (server: RunningServer, token: string, reference: string, method = 'GET') =>
    fetch(`${server.url}/v2/default/cached/manifests/${reference}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
  /** Pulls twice, so the second answer comes from replica 2's caches and its fast path's memo. */
  const warm = async (token: string, reference: string) => {
    for (let i = 0; i < 2; i++) {
      const answer = await pull(two, token, reference);
      assert.equal(answer.status, 200, `replica 2 serves ${reference} before the change`);
      await answer.arrayBuffer();
    }
  };
  const refusedBy = (expected: number, token: string, reference: string) =>
    waitFor(
      `replica 2 to refuse ${reference} with ${expected}`,
      async () => {
        const [get, head] = [await pull(two, token, reference), await pull(two, token, reference, 'HEAD')];
        await get.arrayBuffer();
        return get.status === expected && head.status === expected ? { get, head } : undefined;
      },
      propagationMs,
    );

  it('refuses a tag deleted through the other replica', async () => {
    const token = one.adminToken;
    await pushOverHttp(one.url, token, 'default/cached', 'gone', 'a tag to delete');
    await pushOverHttp(one.url, token, 'default/cached', 'kept', 'a tag to keep');
    await warm(token, 'gone');
    const deleted = await fetch(`${one.url}/v2/default/cached/manifests/gone`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    assert.equal(deleted.status, 202);
    await refusedBy(404, token, 'gone');
    const body = (await (await pull(two, token, 'gone')).json()) as { errors: { code: string }[] };
    assert.equal(body.errors[0].code, 'MANIFEST_UNKNOWN');
    assert.equal((await pull(two, token, 'kept')).status, 200, 'the other tag is still served');
  });

  it('refuses a token revoked through the other replica (its service account deleted)', async () => {
    const admin = one.adminToken;
    assert.equal((await callApi(one.url, admin, 'POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'puller' } })).status, 201);
    const issued = await callApi(one.url, admin, 'POST', '/api/v1/namespaces/default/serviceaccounts/puller/token', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 3600 },
    });
    assert.equal(issued.status, 201);
    const token = ((await issued.json()) as { status: { token: string } }).status.token;
    await warm(token, 'kept');
    assert.equal((await callApi(one.url, admin, 'DELETE', '/api/v1/namespaces/default/serviceaccounts/puller')).status, 200);
    await refusedBy(401, token, 'kept');
  });

  it('refuses a pull whose role binding was removed through the other replica', async () => {
    const admin = one.adminToken;
    const issued = await callApi(one.url, admin, 'POST', '/api/v1/namespaces/default/serviceaccounts/default/token', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 3600 },
    });
    assert.equal(issued.status, 201);
    const token = ((await issued.json()) as { status: { token: string } }).status.token;
    await warm(token, 'kept');
    const binding = '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings/system:image-pullers';
    assert.equal((await callApi(one.url, admin, 'DELETE', binding)).status, 200);
    // The service account is still who it was; it may just not pull any more.
    const { get } = await waitFor(
      'replica 2 to refuse the pull',
      async () => {
        const answer = await pull(two, token, 'kept');
        await answer.arrayBuffer();
        return answer.status === 401 || answer.status === 403 ? { get: answer } : undefined;
      },
      propagationMs,
    );
    assert.ok([401, 403].includes(get.status));
  });
});
