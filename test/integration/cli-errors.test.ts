// What the CLI does when things go wrong, at the process boundary: a reader that closes the pipe
// early, registries that speak only HTTP or show a certificate nobody trusts, and a server reached
// with the wrong scheme or without its CA. Each error names the fix.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { startServer, imsBin, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { startFakeUpstream, putImage, type FakeUpstream } from '../support/fake-upstream.ts';
import { makeSelfSignedCertificate } from '../support/tls.ts';

describe('ims when things go wrong', () => {
  let server: RunningServer;
  let plain: FakeUpstream;
  let untrusted: Server;
  let untrustedHost: string;
  const ims = cliSession();
  before(async () => {
    server = await startServer();
    assert.equal((await ims.run(['login', server.url, '--token', server.adminToken])).code, 0);
    plain = await startFakeUpstream();
    putImage(plain, 'team/app', 'v1', 'app');
    const { cert, key } = makeSelfSignedCertificate();
    untrusted = createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (_req, res) => res.writeHead(200).end('{}'));
    await new Promise<void>((resolve) => untrusted.listen(0, '127.0.0.1', resolve));
    untrustedHost = `127.0.0.1:${(untrusted.address() as { port: number }).port}`;
    // Far more than a pipe holds (64 KiB), so ims is still writing when head has gone.
    const data = Buffer.alloc(1024, 'x').toString('base64');
    const many = Array.from({ length: 200 }, (_, i) => `---\napiVersion: v1\nkind: Secret\nmetadata: {name: s${i}}\ndata: {blob: ${data}}\n`).join('');
    assert.equal((await ims.run(['create', '-f', '-'], { stdin: many })).code, 0);
  });
  after(async () => {
    await server.stop();
    await plain.stop();
    untrusted.close();
  });

  it('ends quietly with status 0 when the reader closes the pipe', async () => {
    for (const args of [
      ['get', 'secrets'],
      ['get', 'secrets', '-o', 'yaml'],
    ]) {
      const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        // bash's PIPESTATUS tells the status of ims itself, not of head.
        const child = spawn('bash', ['-c', '"$@" | head -1; exit "${PIPESTATUS[0]}"', 'bash', imsBin, ...args], {
          env: { ...process.env, IMS_CONFIG: ims.configPath, IMS_SERVER: '', IMS_TOKEN: '' },
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr.on('data', (c: Buffer) => (err += c.toString()));
        child.on('exit', (status) => resolve({ code: status, stdout: out, stderr: err }));
      });
      assert.equal(stderr, '', args.join(' '));
      assert.equal(code, 0, args.join(' '));
      assert.equal(stdout.split('\n').length, 2, 'head printed its one line');
    }
  });

  it('tells to pass --insecure for a registry that speaks only HTTP', async () => {
    const refused = await ims.run(['import-image', 'app:v1', `--from=${plain.host}/team/app:v1`, '--confirm']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /is HTTP only and requires the insecure flag to import: pass --insecure/);
    const imported = await ims.run(['import-image', 'app:v1', `--from=${plain.host}/team/app:v1`, '--confirm', '--insecure']);
    assert.equal(imported.code, 0, imported.stderr);
  });

  it('tells to trust the CA with --extra-ca, or pass --insecure, for a certificate nobody trusts; never an internal error', async () => {
    const refused = await ims.run(['import-image', 'other:v1', `--from=${untrustedHost}/team/app:v1`, '--confirm']);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /tls: failed to verify certificate of 127\.0\.0\.1:\d+: self-signed certificate: trust its CA with 'ims serve --extra-ca FILE', or pass --insecure/,
    );
    assert.doesNotMatch(refused.stderr + refused.stdout, /InternalError|Internal error|--use-system-ca/);
    assert.match(refused.stdout, /Import failed \(ServiceUnavailable\)/);
  });

  it('names the fix when the server is reached with the wrong scheme or without its CA', async () => {
    const https = await cliSession().run(['login', server.url.replace('http://', 'https://'), '--token', server.adminToken]);
    assert.equal(https.stderr, `error: the server 127.0.0.1:${server.port} speaks plain HTTP, not HTTPS: use http://127.0.0.1:${server.port}\n`);
    const unknownCa = await cliSession().run(['login', `https://${untrustedHost}`, '--token', 'x']);
    assert.equal(
      unknownCa.stderr,
      `error: the server ${untrustedHost} uses a certificate signed by an unknown authority; pass --certificate-authority=FILE with its CA (or --insecure-skip-tls-verify)\n`,
    );
    const http = await cliSession().run(['login', `http://${untrustedHost}`, '--token', 'x']);
    assert.equal(http.stderr, `error: the server ${untrustedHost} closed the connection: if it serves HTTPS, use https://${untrustedHost}\n`);
  });
});
