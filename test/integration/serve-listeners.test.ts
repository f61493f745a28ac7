// `ims serve --listen-tls`: plain HTTP and HTTPS from one server, as the README's kubectl section
// runs it (kubectl sends tokens only over TLS; the tour's `ims` session stays on plain HTTP). One
// process, so a write through either listener is seen at once through the other, watches included.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { freePort, startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { makeSelfSignedCertificate } from '../support/tls.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';

/** A watch over HTTPS trusting `ca`: resolves `started` with the response headers, `first` with the first event. */
function watchOverTls(
  url: string,
  token: string,
  ca: string,
): { started: Promise<void>; first: Promise<{ type: string; object: { metadata: { name: string } } }> } {
  let started!: () => void;
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const first = new Promise<{ type: string; object: { metadata: { name: string } } }>((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` }, ca: readFileSync(ca) }, (res) => {
      assert.equal(res.statusCode, 200);
      started();
      let buffered = '';
      res.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const newline = buffered.indexOf('\n');
        if (newline < 0) return;
        resolve(JSON.parse(buffered.slice(0, newline)));
        req.destroy();
      });
    });
    req.on('error', reject);
    req.end();
  });
  return { started: startedPromise, first };
}

const skip = missingPeer('openssl', findExecutable('openssl'), 'apt-get install openssl');

describe('ims serve with --listen and --listen-tls', { skip }, () => {
  let server: RunningServer;
  let tlsUrl: string;
  let tls: { cert: string; key: string };
  const plainSession = cliSession();
  const tlsSession = cliSession();
  before(async () => {
    tls = makeSelfSignedCertificate();
    const tlsPort = await freePort();
    tlsUrl = `https://127.0.0.1:${tlsPort}`;
    server = await startServer(['--listen-tls', `127.0.0.1:${tlsPort}`, '--tls-cert', tls.cert, '--tls-key', tls.key]);
  });
  after(async () => {
    await server?.stop();
  });

  it('says it serves both, and logs in on either with the same token', async () => {
    assert.equal(server.url.startsWith('http://'), true);
    const plain = await plainSession.run(['login', server.url, '--token', server.adminToken]);
    assert.equal(plain.code, 0, plain.stderr);
    const secure = await tlsSession.run(['login', tlsUrl, '--token', server.adminToken, '--certificate-authority', tls.cert]);
    assert.equal(secure.code, 0, secure.stderr);
    assert.match(secure.stdout, new RegExp(`Logged into "${tlsUrl}" as "admin"`));
  });

  it('shows a write through one listener to a watch on the other', async () => {
    const events = watchOverTls(`${tlsUrl}/api/v1/namespaces/default/secrets?watch=true&fieldSelector=metadata.name%3Dboth-ways`, server.adminToken, tls.cert);
    await events.started;
    const created = await plainSession.run(['create', 'secret', 'generic', 'both-ways', '--from-file=k=/etc/hostname']);
    assert.equal(created.code, 0, created.stderr);
    const event = await events.first;
    assert.equal(event.type, 'ADDED');
    assert.equal(event.object.metadata.name, 'both-ways');
    const seen = await tlsSession.run(['get', 'secret', 'both-ways', '-o', 'jsonpath={.metadata.name}']);
    assert.equal(seen.stdout, 'both-ways', seen.stderr);
  });

  it('refuses --listen-tls without a certificate, saying which flags it needs', async () => {
    await assert.rejects(startServer(['--listen-tls', '127.0.0.1:0']), /error: --listen-tls needs --tls-cert and --tls-key/);
  });
});
