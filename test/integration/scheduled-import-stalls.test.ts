// A registry that accepts connections and never answers, and one that trickles its answer, beside
// a healthy one: the healthy registry's tags keep their schedule (a tag that moved there is imported
// while the others' visits still hang), and the stuck ones end with a Timeout condition naming their host.
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

/** Accepts every connection and never says a word. */
async function startHungRegistry(sockets: Set<Socket>): Promise<TcpServer> {
  const hung = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  return hung;
}

/** Answers /v2/ at once, then sends its manifests one byte a second. */
async function startTrickleRegistry(sockets: Set<Socket>): Promise<HttpServer> {
  const trickle = createHttpServer((req, res) => {
    sockets.add(req.socket);
    if (req.url === '/v2/') return res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json', 'docker-content-digest': `sha256:${'1'.repeat(64)}` });
    if (req.method === 'HEAD') return res.end();
    const timer = setInterval(() => res.write(' '), 1000);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => trickle.listen(0, '127.0.0.1', resolve));
  return trickle;
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
    hung = await startHungRegistry(sockets);
    trickle = await startTrickleRegistry(sockets);
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
    // A server of its own, with stalled registries of its own, whose upstream timeouts outlast the
    // test: the stalled visits stay stalled, so the moved tag is imported beside them or not at all,
    // however slow the machine is.
    const patient = await startServer([
      '--import-interval',
      '1s',
      '--max-scheduled-imports-per-minute',
      '0',
      '--upstream-connect-timeout',
      '1h',
      '--upstream-response-timeout',
      '1h',
    ]);
    const taken = new Set<Socket>();
    const silent = await startHungRegistry(taken);
    const dripping = await startTrickleRegistry(taken);
    try {
      const call = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(`${patient.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${patient.adminToken}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return response.json() as Promise<any>;
      };
      const current = async () => (await call('GET', `${streams}/fine`)).status?.tags?.[0]?.items?.[0]?.image as string | undefined;
      const first = putImage(healthy, 'org/app', 't0', 'first');
      // The healthy stream first: the stalled streams' first imports then hold the import workers for an hour.
      await call('POST', streams, scheduledStream('fine', healthy.host, 1));
      assert.equal(await within(60_000, current, (digest) => digest === first), first, 'the first import');
      const stalled = new Promise((resolve) => silent.once('connection', resolve));
      await call('POST', streams, scheduledStream('stuck', hostOf(silent), 10));
      await call('POST', streams, scheduledStream('slow', hostOf(dripping), 3));
      await stalled;
      const stalledBefore = [...taken];
      const second = putImage(healthy, 'org/app', 't0', 'second');
      assert.equal(await within(60_000, current, (digest) => digest === second), second, 'the moved tag was imported');
      assert.ok(
        stalledBefore.some((socket) => !socket.destroyed),
        'a connection the stalled registry took before the tag moved is still waiting: the import did not wait for it',
      );
      const stuck = (await call('GET', `${streams}/stuck`)).status?.tags ?? [];
      assert.ok(
        stuck.every((t: { items?: unknown[]; conditions?: unknown[] }) => !t.items?.length && !t.conditions?.length),
        `nothing of the stalled stream was imported or given up on meanwhile: ${JSON.stringify(stuck)}`,
      );
    } finally {
      // The stalled registries go first: a server stops only once its hour-long upstream requests end.
      const closed = Promise.all([silent, dripping].map((registry) => new Promise((resolve) => registry.close(resolve))));
      for (const socket of taken) socket.destroy();
      await closed;
      await patient.stop();
    }
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
