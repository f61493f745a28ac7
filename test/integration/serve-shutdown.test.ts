// SIGTERM while upstream requests hang: a registry that took the requests and never answers, and
// upstream timeouts of an hour. The server must not wait for them: it aborts the import a user
// started, the pull-through fetch a client waits on, the import a webhook started and the
// import controller's, exits 0 within a few
// seconds, and what it had stored is there on the next start, with nothing half-written.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { putImage, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { cliSession } from '../support/run-cli.ts';
import { deliver, distributionEnvelope } from '../support/webhook-payloads.ts';

const streams = '/apis/image.openshift.io/v1/namespaces/default/imagestreams';
const patient = ['--upstream-connect-timeout', '1h', '--upstream-response-timeout', '1h', '--import-interval', '1s', '--max-scheduled-imports-per-minute', '0'];

/** Resolves once `seen` holds, checking whenever the upstream may have been asked something; fails after `ms`. */
async function until(ms: number, what: string, seen: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (!seen()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The exit status, or a failure if the process is still running after `ms` (an upper bound, not a measure). */
function exitWithin(server: RunningServer, ms: number): Promise<number | null> {
  if (server.process.exitCode !== null) return Promise.resolve(server.process.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      server.process.kill('SIGKILL');
      reject(new Error(`ims serve was still running ${ms / 1000}s after SIGTERM; its log:\n${server.logs()}`));
    }, ms);
    server.process.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('ims serve stops on SIGTERM while upstream requests hang', () => {
  let upstream: FakeUpstream;
  let server: RunningServer | undefined;
  const ims = cliSession();
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server!.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${server!.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json() as Promise<any>;
  };

  before(async () => {
    upstream = await startFakeUpstream();
  });
  after(async () => {
    if (server?.process.exitCode === null) server.process.kill('SIGKILL');
    await upstream.stop();
  });

  it("aborts a user's import, a pull-through fetch, a webhook's import and a new tag's at once, exits 0, and keeps what it had", async () => {
    const image = putImage(upstream, 'org/app', 'v1', 'first');
    const hooked = putImage(upstream, 'org/hooked', 'v1', 'hooked-first');
    const layer = `sha256:${createHash('sha256').update('layer first').digest('hex')}`;
    server = await startServer(patient);
    const login = await ims.run(['login', server.url, '--token', server.adminToken]);
    assert.equal(login.code, 0, login.stderr);
    const first = await ims.run(['import-image', 'app:v1', '--from', `${upstream.host}/org/app:v1`, '--confirm', '--insecure']);
    assert.equal(first.code, 0, first.stderr);
    const tracked = await ims.run(['import-image', 'hooked:v1', '--from', `${upstream.host}/org/hooked:v1`, '--confirm', '--insecure']);
    assert.equal(tracked.code, 0, tracked.stderr);
    const hook = await ims.run(['create', 'webhook', 'pushes', '--type', 'distribution', '--registry', upstream.host]);
    assert.equal(hook.code, 0, hook.stderr);
    const hookUrl = hook.stdout.trim().split('\n').at(-1)!;

    // From here on the registry takes these requests and never answers them.
    const silent = () => {};
    upstream.fault(/^(GET|HEAD) \/v2\/org\/app\/manifests\/stuck$/, 1000, silent);
    upstream.fault(/^(GET|HEAD) \/v2\/org\/scheduled\/manifests\/v1$/, 1000, silent);
    upstream.fault(new RegExp(`^GET /v2/org/app/blobs/${layer}$`), 1000, silent);
    upstream.fault(/^GET \/v2\/org\/hooked\/manifests\//, 1000, silent);
    const asked = (request: string) => upstream.requests.includes(request);

    const importing = ims.run(['import-image', 'app:stuck', '--from', `${upstream.host}/org/app:stuck`, '--confirm', '--insecure']);
    const pulling = fetch(`${server.url}/v2/default/app/blobs/${layer}`, { headers: { authorization: `Bearer ${server.adminToken}` } }).then(
      (response) => response.status,
      (error: Error) => error,
    );
    await api('POST', streams, {
      metadata: { name: 'scheduled' },
      spec: {
        tags: [{ name: 'v1', from: { kind: 'DockerImage', name: `${upstream.host}/org/scheduled:v1` }, importPolicy: { scheduled: true, insecure: true } }],
      },
    });
    const moved = putImage(upstream, 'org/hooked', 'v1', 'hooked-second');
    const hinted = await deliver(hookUrl, distributionEnvelope({ host: upstream.host, repository: 'org/hooked', tag: 'v1', digest: moved }));
    assert.equal(hinted.status, 202, hinted.body);
    await until(60_000, "the webhook's import to reach the registry", () => upstream.requests.some((r) => r.startsWith('GET /v2/org/hooked/manifests/')));
    await until(60_000, 'the import to reach the registry', () => asked('GET /v2/org/app/manifests/stuck'));
    await until(60_000, 'the pull-through fetch to reach the registry', () => asked(`GET /v2/org/app/blobs/${layer}`));
    await until(60_000, 'the scheduled import to reach the registry', () => asked('GET /v2/org/scheduled/manifests/v1'));

    server.process.kill('SIGTERM');
    assert.equal(await exitWithin(server, 20_000), 0, server.logs());

    const interrupted = await importing;
    assert.notEqual(interrupted.code, 0, 'the import was cut short, and its client was told');
    assert.match(interrupted.stderr, /interrupted/, interrupted.stderr);
    const pulled = await pulling;
    assert.ok(pulled instanceof Error || pulled >= 500, `the pull-through client got no blob: ${String(pulled)}`);

    const scheduledAsks = upstream.requests.filter((r) => r === 'GET /v2/org/scheduled/manifests/v1').length;
    server = await startServer(patient, { dataDir: server.dataDir });
    const stream = await api('GET', `${streams}/app`);
    const tags = stream.status?.tags ?? [];
    assert.deepEqual(
      tags.find((t: { tag: string }) => t.tag === 'v1')?.items?.map((i: { image: string }) => i.image),
      [image],
      JSON.stringify(stream),
    );
    assert.equal(tags.find((t: { tag: string }) => t.tag === 'stuck')?.items, undefined, 'nothing half-imported');
    const hookedNow = await api('GET', `${streams}/hooked`);
    assert.deepEqual(
      hookedNow.status?.tags?.[0]?.items?.map((i: { image: string }) => i.image),
      [hooked],
      JSON.stringify(hookedNow.status),
    );
    assert.equal(hookedNow.status?.tags?.[0]?.conditions, undefined, 'no failure recorded for the interrupted webhook import');
    const scheduled = await api('GET', `${streams}/scheduled`);
    assert.equal(scheduled.status?.tags?.[0]?.conditions, undefined, `the interruption is no failure of the tag: ${JSON.stringify(scheduled.status)}`);
    await until(
      60_000,
      'the next start to import the interrupted tag again',
      () => upstream.requests.filter((r) => r === 'GET /v2/org/scheduled/manifests/v1').length > scheduledAsks,
    );
    const code = await server.stop();
    assert.equal(code, 0);
  });
});
