// A registry that accepts connections and never answers, and one that trickles its answer, beside
// a healthy one: the healthy registry's tags keep their schedule, measured by when the server
// imports a tag that moved there, and the stuck ones end with a Timeout condition naming their host.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { putImage, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';

const streams = '/apis/image.openshift.io/v1/namespaces/default/imagestreams';

/** Polls `read` until `done` holds or `ms` pass; the caller asserts on what it got. */
async function within<T>(ms: number, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('scheduled imports when a registry stalls', () => {
  let server: RunningServer;
  let healthy: FakeUpstream;
  let hung: TcpServer;
  let trickle: HttpServer;
  const sockets = new Set<Socket>();
  const hostOf = (s: TcpServer | HttpServer) => `127.0.0.1:${(s.address() as { port: number }).port}`;
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json() as Promise<any>;
  };
  const scheduledStream = (name: string, host: string, tags: number) => ({
    metadata: { name },
    spec: {
      tags: Array.from({ length: tags }, (_, i) => ({
        name: `t${i}`,
        from: { kind: 'DockerImage', name: `${host}/org/app:t${i}` },
        importPolicy: { scheduled: true, insecure: true },
      })),
    },
  });

  before(async () => {
    healthy = await startFakeUpstream();
    putImage(healthy, 'org/app', 't0', 'first');
    // Accepts every connection and never says a word.
    hung = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    // Answers /v2/ at once, then sends its manifests one byte a second.
    trickle = createHttpServer((req, res) => {
      sockets.add(req.socket);
      if (req.url === '/v2/') return res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json', 'docker-content-digest': `sha256:${'1'.repeat(64)}` });
      if (req.method === 'HEAD') return res.end();
      const timer = setInterval(() => res.write(' '), 1000);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => trickle.listen(0, '127.0.0.1', resolve));
    server = await startServer([
      '--import-interval',
      '1s',
      '--max-scheduled-imports-per-minute',
      '0',
      '--upstream-connect-timeout',
      '1s',
      '--upstream-response-timeout',
      '1s',
    ]);
    await api('POST', streams, scheduledStream('stuck', hostOf(hung), 10));
    await api('POST', streams, scheduledStream('slow', hostOf(trickle), 3));
    await api('POST', streams, scheduledStream('fine', healthy.host, 1));
  });
  after(async () => {
    await server.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => hung.close(resolve));
    await new Promise((resolve) => trickle.close(resolve));
    await healthy.stop();
  });

  it("keeps importing the healthy registry's moved tag while the others hang", async () => {
    const current = async () => (await api('GET', `${streams}/fine`)).status?.tags?.[0]?.items?.[0]?.image as string | undefined;
    const first = putImage(healthy, 'org/app', 't0', 'first');
    assert.equal(await within(20_000, current, (digest) => digest === first), first, 'the first import');
    // The stuck streams' visits take many seconds each; a moved healthy tag is still picked up at
    // once (two intervals of 1s; the bound leaves a busy machine 8s more), not after them (20s or more: ten tags, two 1s deadlines each).
    const second = putImage(healthy, 'org/app', 't0', 'second');
    const moved = Date.now();
    assert.equal(await within(20_000, current, (digest) => digest === second), second);
    assert.ok(Date.now() - moved < 10_000, `the moved tag was imported after ${Date.now() - moved} ms, behind the stalled registries`);
  });

  it('marks the tags of a registry that never answers, and of one that trickles, with a Timeout naming the host', async () => {
    for (const [name, host] of [
      ['stuck', hostOf(hung)],
      ['slow', hostOf(trickle)],
    ] as const) {
      const condition = async () => (await api('GET', `${streams}/${name}`)).status?.tags?.find((t: { tag: string }) => t.tag === 't0')?.conditions?.[0];
      const found = await within(30_000, condition, (c) => c?.reason === 'Timeout');
      assert.equal(found?.status, 'False', `${name}: ${JSON.stringify(found)}`);
      assert.equal(found?.reason, 'Timeout', `${name}: ${JSON.stringify(found)}`);
      assert.match(found.message, new RegExp(host.replace(/\./g, '\\.')));
    }
  });
});
