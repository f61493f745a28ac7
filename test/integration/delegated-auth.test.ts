// Delegated authentication and authorization end to end: a second `ims serve` in embedded mode
// stands in for the cluster (it serves TokenReview and SubjectAccessReview as Kubernetes does), and
// the hub, started with --kubeconfig for it, lets the cluster's service-account token pull from its
// registry only where the cluster's RBAC allows, through the official client's real HTTP requests.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { pushOverHttp } from '../support/http-push.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { makeSelfSignedCertificate } from '../support/tls.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';
import bcrypt from 'bcryptjs';

// The official client speaks only HTTPS to a cluster, so the stand-in serves TLS (made with openssl).
const skip = missingPeer('openssl', findExecutable('openssl'), 'apt-get install openssl');

async function api(server: RunningServer, method: string, path: string, body?: unknown, token = server.adminToken) {
  const answer = await fetchWithCa(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.text();
  return { status: answer.status, json: text ? JSON.parse(text) : undefined, text };
}

let standInCa: Buffer | undefined;

/** fetch, trusting the stand-in's self-signed certificate for https URLs. */
function fetchWithCa(url: string, init: { method: string; headers: Record<string, string>; body?: string }) {
  if (!url.startsWith('https://')) return fetch(url, init);
  return undiciFetch(url, { ...init, dispatcher: new Agent({ connect: { ca: standInCa } }) });
}

async function namespace(server: RunningServer, name: string) {
  const made = await api(server, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  assert.equal(made.status, 201, made.text);
}

async function serviceAccountToken(server: RunningServer, namespace: string, name: string): Promise<string> {
  const answer = await api(server, 'POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  assert.equal(answer.status, 201, answer.text);
  return answer.json.status.token;
}

const pullerBinding = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name: 'shop-pulls-other' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:image-puller' },
  subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'shop' }],
};

describe('delegated authentication and authorization (a second ims serve as the cluster)', { skip }, () => {
  let cluster: RunningServer;
  let hub: RunningServer;
  let clusterToken: string;
  before(async () => {
    const tls = makeSelfSignedCertificate();
    standInCa = readFileSync(tls.cert);
    cluster = await startServer([], { tls });
    for (const name of ['shop', 'other', 'ims-system']) await namespace(cluster, name);
    const delegator = await api(cluster, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'imagestream-auth-delegator' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'ims-system' }],
    });
    assert.equal(delegator.status, 201, delegator.text);
    const kubeconfig = join(makeTempDir('ims-delegated'), 'kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'stand-in', cluster: { server: cluster.url, 'certificate-authority': tls.cert } }],
        users: [{ name: 'hub', user: { token: await serviceAccountToken(cluster, 'ims-system', 'default') } }],
        contexts: [{ name: 'stand-in', context: { cluster: 'stand-in', user: 'hub' } }],
        'current-context': 'stand-in',
      }),
    );
    const htpasswd = join(makeTempDir('ims-delegated-users'), 'users.htpasswd');
    writeFileSync(htpasswd, `alice:${bcrypt.hashSync('alice-password', 4)}\n`);
    hub = await startServer([
      '--htpasswd',
      htpasswd,
      '--kubeconfig',
      kubeconfig,
      '--context',
      'stand-in',
      '--authorization-webhook-cache-authorized-ttl',
      '1s',
      '--authorization-webhook-cache-unauthorized-ttl',
      '1s',
    ]);
    for (const name of ['shop', 'other', 'third']) {
      await namespace(hub, name);
      await pushOverHttp(hub.url, hub.adminToken, `${name}/app`, 'v1', `${name}-app`);
    }
    clusterToken = await serviceAccountToken(cluster, 'shop', 'default');
    assert.equal((await api(cluster, 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/other/rolebindings', pullerBinding)).status, 201);
  });
  after(async () => {
    await hub?.stop();
    await cluster?.stop();
  });

  const pull = (repository: string, token: string) =>
    fetch(`${hub.url}/v2/${repository}/manifests/v1`, {
      headers: { authorization: `Basic ${Buffer.from(`anyone:${token}`).toString('base64')}`, accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });

  it("lets the cluster's service-account token pull where the cluster's RBAC allows, and nowhere else", async () => {
    assert.equal((await pull('shop/app', clusterToken)).status, 200);
    assert.equal((await pull('other/app', clusterToken)).status, 200, 'allowed only by the RoleBinding in the cluster');
    const third = await pull('third/app', clusterToken);
    assert.equal(third.status, 403);
    assert.equal((await third.json()).errors[0].code, 'DENIED');
  });

  it('does not let the cluster token push, or a token neither knows in', async () => {
    const push = await fetch(`${hub.url}/v2/other/app/blobs/uploads/`, { method: 'POST', headers: { authorization: `Bearer ${clusterToken}` } });
    assert.equal(push.status, 403);
    assert.equal((await pull('shop/app', 'sha256~made-up-token')).status, 401);
  });

  it("answers the API for the cluster's users too, and keeps the hub's own tokens working beside them", async () => {
    const whoami = await api(hub, 'GET', '/apis/user.openshift.io/v1/users/~', undefined, clusterToken);
    assert.equal(whoami.status, 200, whoami.text);
    assert.equal(whoami.json.metadata.name, 'system:serviceaccount:shop:default');
    const streams = await api(hub, 'GET', '/apis/image.openshift.io/v1/namespaces/other/imagestreams', undefined, clusterToken);
    assert.equal(streams.status, 403, 'system:image-puller in the cluster does not list streams');
    const rules = await api(
      hub,
      'POST',
      '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
      { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'other' } },
      clusterToken,
    );
    assert.equal(rules.json.status.incomplete, true, "the cluster's grants are not among the rules the hub lists");
    const hubToken = await serviceAccountToken(hub, 'third', 'default');
    assert.equal((await pull('third/app', hubToken)).status, 200);
    assert.equal((await pull('other/app', hubToken)).status, 403, "the hub's own service account never borrows the cluster's grants");
  });

  it('counts the reviews it sent to the cluster in /metrics', async () => {
    const metrics = await (await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${hub.adminToken}` } })).text();
    assert.match(metrics, /ims_cluster_reviews_total\{[^}]*review="TokenReview"[^}]*result="authenticated"[^}]*\} [1-9]/);
    assert.match(metrics, /ims_cluster_reviews_total\{[^}]*review="SubjectAccessReview"[^}]*result="allowed"[^}]*\} [1-9]/);
    assert.match(metrics, /ims_cluster_reviews_total\{[^}]*review="SubjectAccessReview"[^}]*result="denied"[^}]*\} [1-9]/);
  });

  it("never sends a local user's password to the cluster as a token", async () => {
    const reviews = async () => {
      const metrics = await (await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${hub.adminToken}` } })).text();
      return [...metrics.matchAll(/ims_cluster_reviews_total\{[^}]*review="TokenReview"[^}]*\} (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    };
    const before_ = await reviews();
    const typed = await fetch(`${hub.url}/v2/shop/app/manifests/v1`, {
      headers: { authorization: `Basic ${Buffer.from('alice:alice-password').toString('base64')}` },
    });
    assert.equal(typed.status, 401);
    assert.equal(await reviews(), before_, 'no TokenReview was sent for it');
    assert.equal((await pull('shop/app', 'a-token-nobody-knows')).status, 401);
    assert.equal(await reviews(), before_ + 1, 'a token of another user name is still asked about');
  });

  it("follows the cluster's RBAC once its brief cache expires", async () => {
    assert.equal((await pull('other/app', clusterToken)).status, 200);
    assert.equal((await api(cluster, 'DELETE', '/apis/rbac.authorization.k8s.io/v1/namespaces/other/rolebindings/shop-pulls-other')).status, 200);
    const deadline = Date.now() + 15_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      status = (await pull('other/app', clusterToken)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(status, 403);
  });
});
