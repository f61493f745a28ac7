// Real kubectl's `auth can-i` (with --list and --as), and `auth whoami` against a real `ims serve`
// over TLS, answered by its SelfSubjectAccessReview, SelfSubjectRulesReview and SelfSubjectReview.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { makeSelfSignedCertificate } from '../support/tls.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';

const sdk = '/usr/lib/google-cloud-sdk/bin';
const versions = ['1.27', '1.28', '1.30', '1.33'].map((version) => ({ version, binary: findExecutable(`${sdk}/kubectl.${version}`) }));
const openssl = findExecutable('openssl');
const skip =
  missingPeer('kubectl 1.27, 1.28, 1.30 and 1.33', versions.every((v) => v.binary) ? sdk : undefined, 'the Google Cloud SDK kubectl builds') ??
  missingPeer('openssl', openssl, 'apt-get install openssl');

describe('kubectl auth against ims serve', { skip }, () => {
  let server: RunningServer;
  let dir: string;
  const kubeconfigs = new Map<string, string>();
  before(async () => {
    const tls = makeSelfSignedCertificate();
    server = await startServer([], { tls });
    dir = makeTempDir('ims-kubectl-auth');
    const ims = cliSession();
    const login = await ims.run(['login', server.url, '--token', server.adminToken, '--certificate-authority', tls.cert]);
    assert.equal(login.code, 0, login.stderr);
    assert.equal((await ims.run(['new-project', 'shop'])).code, 0);
    const token = await ims.run(['create', 'token', 'default', '-n', 'shop']);
    assert.equal(token.code, 0, token.stderr);
    for (const [user, bearer] of [
      ['admin', server.adminToken],
      ['puller', token.stdout.trim()],
    ]) {
      const file = join(dir, `${user}.kubeconfig`);
      writeFileSync(
        file,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'ims', cluster: { server: server.url, 'certificate-authority': tls.cert } }],
          users: [{ name: user, user: { token: bearer } }],
          contexts: [{ name: 'ims', context: { cluster: 'ims', user, namespace: 'shop' } }],
          'current-context': 'ims',
        }),
      );
      kubeconfigs.set(user, file);
    }
  });
  after(async () => {
    await server?.stop();
  });

  const kubectl = (binary: string, user: string, args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(binary, ['--kubeconfig', kubeconfigs.get(user)!, ...args], { env: { ...process.env, KUBECONFIG: '' } }, (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });

  for (const { version, binary } of versions) {
    it(`answers auth can-i yes and no, with kubectl's exit codes (${version})`, async () => {
      const pull = await kubectl(binary!, 'puller', ['auth', 'can-i', 'get', 'imagestreams', '--subresource=layers']);
      assert.deepEqual([pull.code, pull.stdout], [0, 'yes\n'], pull.stderr);
      const push = await kubectl(binary!, 'puller', ['auth', 'can-i', 'update', 'imagestreams/app', '--subresource=layers']);
      assert.deepEqual([push.code, push.stdout], [1, 'no\n'], push.stderr);
      const secrets = await kubectl(binary!, 'puller', ['auth', 'can-i', 'list', 'secrets', '-n', 'default']);
      assert.deepEqual([secrets.code, secrets.stdout], [1, 'no\n'], secrets.stderr);
      const admin = await kubectl(binary!, 'admin', ['auth', 'can-i', 'delete', 'namespaces', '--all-namespaces']);
      assert.deepEqual([admin.code, admin.stdout], [0, 'yes\n'], admin.stderr);
      const metrics = await kubectl(binary!, 'puller', ['auth', 'can-i', 'get', '/metrics']);
      assert.deepEqual([metrics.code, metrics.stdout], [1, 'no\n'], metrics.stderr);
    });

    it(`lists the rules a service account holds in its namespace (${version})`, async () => {
      const list = await kubectl(binary!, 'puller', ['auth', 'can-i', '--list']);
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs\n/);
      assert.match(list.stdout, /\nimagestreams\.image\.openshift\.io\/layers\s+\[\]\s+\[\]\s+\[get\]\n/);
      assert.match(list.stdout, /\nselfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]\n/);
      assert.doesNotMatch(list.stdout, /\nsecrets/);
    });
  }

  it('answers for the user kubectl --as impersonates, which only cluster-admin may (1.33)', async () => {
    const binary = versions.at(-1)!.binary!;
    const as = ['--as', 'system:serviceaccount:shop:default'];
    const pull = await kubectl(binary, 'admin', ['auth', 'can-i', 'get', 'imagestreams', '--subresource=layers', ...as]);
    assert.deepEqual([pull.code, pull.stdout], [0, 'yes\n'], pull.stderr);
    const secrets = await kubectl(binary, 'admin', ['auth', 'can-i', 'get', 'secrets', ...as]);
    assert.deepEqual([secrets.code, secrets.stdout], [1, 'no\n'], secrets.stderr);
    const refused = await kubectl(binary, 'puller', ['auth', 'can-i', 'get', 'secrets', '--as', 'admin']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /users "admin" is forbidden: User "system:serviceaccount:shop:default" cannot impersonate resource "users"/);
  });

  for (const { version, binary } of versions.filter((v) => v.version !== '1.27')) {
    it(`tells kubectl auth whoami who the token is (${version})`, async () => {
      const whoami = await kubectl(binary!, 'puller', ['auth', 'whoami']);
      assert.equal(whoami.code, 0, whoami.stderr);
      assert.match(whoami.stdout, /Username\s+system:serviceaccount:shop:default\n/);
      assert.match(whoami.stdout, /Groups\s+\[system:serviceaccounts system:serviceaccounts:shop system:authenticated\]/);
    });
  }
});
