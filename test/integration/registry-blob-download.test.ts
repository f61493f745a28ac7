// Large blob downloads are sent from reused buffers straight into the socket: many at once, ranges,
// and clients that go away halfway must all get exact bytes or a clean end, and leave no file open.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';
import { Agent, fetch as undiciFetch } from 'undici';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { makeSelfSignedCertificate } from '../support/tls.ts';

const content = randomBytes(24 * 1024 * 1024 + 7);
const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;

describe('large blob downloads', () => {
  let server: RunningServer;
  let auth: Record<string, string>;
  const blobUrl = () => `${server.url}/v2/default/big/blobs/${digest}`;
  before(async () => {
    server = await startServer();
    auth = { authorization: `Bearer ${server.adminToken}` };
    const upload = await fetch(`${server.url}/v2/default/big/blobs/uploads/?digest=${digest}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body: content,
    });
    assert.equal(upload.status, 201);
  });
  after(async () => {
    await server.stop();
  });

  /** Open descriptors of the server process that point at a stored blob. */
  const openBlobFiles = () =>
    readdirSync(`/proc/${server.process.pid}/fd`).filter((fd) => {
      try {
        return readlinkSync(`/proc/${server.process.pid}/fd/${fd}`).includes(digest.slice('sha256:'.length));
      } catch {
        return false;
      }
    }).length;

  it('gives every one of several concurrent downloads the exact bytes', async () => {
    const bodies = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const response = await fetch(blobUrl(), { headers: auth });
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('content-length'), String(content.length));
        return Buffer.from(await response.arrayBuffer());
      }),
    );
    for (const body of bodies) assert.equal(`sha256:${createHash('sha256').update(body).digest('hex')}`, digest);
  });

  it('sends a range that spans several chunks', async () => {
    const response = await fetch(blobUrl(), { headers: { ...auth, range: 'bytes=1000-5000000' } });
    assert.equal(response.status, 206);
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(content.subarray(1000, 5_000_001)));
  });

  it('survives clients that go away halfway, and closes the file behind them', async () => {
    await Promise.all(
      Array.from(
        { length: 3 },
        () =>
          new Promise<void>((resolve, reject) => {
            const req = request(blobUrl(), { headers: auth }, (res) => {
              let received = 0;
              res.on('data', (chunk: Buffer) => {
                received += chunk.length;
                if (received > 2 * 1024 * 1024) {
                  req.destroy();
                  resolve();
                }
              });
              res.on('error', () => undefined);
            });
            req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
            req.end();
          }),
      ),
    );
    const deadline = Date.now() + 5000;
    while (openBlobFiles() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(openBlobFiles(), 0);
    const again = await fetch(blobUrl(), { headers: auth });
    assert.ok(Buffer.from(await again.arrayBuffer()).equals(content));
  });
});

describe('large blob downloads over TLS', () => {
  it('sends the exact bytes to several clients at once', async () => {
    const tls = makeSelfSignedCertificate();
    const server = await startServer([], { tls });
    try {
      const dispatcher = new Agent({ connect: { ca: readFileSync(tls.cert) } });
      const auth = { authorization: `Bearer ${server.adminToken}` };
      const upload = await undiciFetch(`${server.url}/v2/default/big/blobs/uploads/?digest=${digest}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/octet-stream' },
        body: content,
        dispatcher,
      });
      assert.equal(upload.status, 201);
      const bodies = await Promise.all(
        Array.from({ length: 3 }, async () =>
          Buffer.from(await (await undiciFetch(`${server.url}/v2/default/big/blobs/${digest}`, { headers: auth, dispatcher })).arrayBuffer()),
        ),
      );
      for (const body of bodies) assert.ok(body.equals(content));
      await dispatcher.close();
    } finally {
      await server.stop();
    }
  });
});
