// Front-proxy (request-header) authentication over real TLS: a client certificate signed by
// --requestheader-client-ca-file, with an allowed common name, may say who the user is in
// X-Remote-User/-Group/-Extra-*, as kube-apiserver does for an aggregated API server. Without such a
// certificate the headers mean nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { makeCertificateAuthority, makeClientCertificate, makeSelfSignedCertificate } from '../support/tls.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';

const skip = missingPeer('openssl', findExecutable('openssl'), 'apt-get install openssl');

interface Identity {
  readonly cert?: { cert: string; key: string };
  readonly token?: string;
}

describe('front-proxy authentication', { skip }, () => {
  let server: RunningServer;
  let serverCa: Buffer;
  let proxy: { cert: string; key: string };
  let otherName: { cert: string; key: string };
  let stranger: { cert: string; key: string };
  before(async () => {
    const tls = makeSelfSignedCertificate();
    serverCa = readFileSync(tls.cert);
    const frontProxyCa = makeCertificateAuthority('front-proxy-ca');
    proxy = makeClientCertificate(frontProxyCa, 'front-proxy-client');
    otherName = makeClientCertificate(frontProxyCa, 'someone-else');
    stranger = makeClientCertificate(makeCertificateAuthority('another-ca'), 'front-proxy-client');
    server = await startServer(['--requestheader-client-ca-file', frontProxyCa.cert, '--requestheader-allowed-names', 'front-proxy-client'], { tls });
  });
  after(async () => {
    await server?.stop();
  });

  function get(path: string, identity: Identity, headers: Record<string, string | string[]> = {}) {
    return new Promise<{ status: number; json: any }>((resolve, reject) => {
      const req = request(
        `${server.url}${path}`,
        {
          ca: serverCa,
          ...(identity.cert ? { cert: readFileSync(identity.cert.cert), key: readFileSync(identity.cert.key) } : {}),
          headers: { accept: 'application/json', ...(identity.token ? { authorization: `Bearer ${identity.token}` } : {}), ...headers },
          agent: false,
        },
        (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: body ? JSON.parse(body) : undefined }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  const asserted = { 'x-remote-user': 'alice', 'x-remote-group': ['developers', 'qa'], 'x-remote-extra-scopes': 'user:info' };

  it('takes the user and groups the front proxy names under its client certificate', async () => {
    const me = await get('/apis/user.openshift.io/v1/users/~', { cert: proxy }, asserted);
    assert.equal(me.status, 200, JSON.stringify(me.json));
    assert.equal(me.json.metadata.name, 'alice');
    assert.deepEqual(me.json.groups, ['developers', 'qa']);
  });

  it('ignores the headers without a certificate, or with one another CA signed', async () => {
    assert.equal((await get('/apis/user.openshift.io/v1/users/~', {}, asserted)).status, 401);
    assert.equal((await get('/apis/user.openshift.io/v1/users/~', { cert: stranger }, asserted)).status, 401);
    const withToken = await get('/apis/user.openshift.io/v1/users/~', { token: server.adminToken }, asserted);
    assert.equal(withToken.json.metadata.name, 'admin', "a token's owner is who asks, whatever the headers say");
  });

  it('refuses a certificate of the CA whose name is not an allowed proxy', async () => {
    assert.equal((await get('/apis/user.openshift.io/v1/users/~', { cert: otherName }, asserted)).status, 401);
  });

  it("authorizes the proxied user with this server's RBAC", async () => {
    const secrets = await get('/api/v1/namespaces/default/secrets', { cert: proxy }, asserted);
    assert.equal(secrets.status, 403);
    assert.match(secrets.json.message, /User "alice" cannot list resource "secrets"/);
    const admins = await get('/api/v1/namespaces/default/secrets', { cert: proxy }, { 'x-remote-user': 'ops', 'x-remote-group': 'system:cluster-admins' });
    assert.equal(admins.status, 200);
  });

  it('refuses to start on a client CA file that holds no certificate', async () => {
    const tls = makeSelfSignedCertificate();
    await assert.rejects(startServer(['--requestheader-client-ca-file', tls.key], { tls }), /--requestheader-client-ca-file .*tls\.key: not a PEM certificate/);
  });

  it('serves clients without a certificate as before (a token over TLS)', async () => {
    assert.equal((await get('/api/v1/namespaces', { token: server.adminToken })).status, 200);
    assert.equal((await get('/api/v1/namespaces', { cert: proxy, token: server.adminToken })).status, 200);
  });
});
