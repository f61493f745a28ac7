// The webhook receivers against hostile deliveries, for real (a sibling of hostile-input.test.ts):
// generated from a seeded source and sent to a receiver of every type in a project whose stream
// tracks an upstream registry. Each is refused with a 4xx Status, or (verified, well-formed, naming
// nothing the project tracks) accepted as doing nothing; the server keeps answering, asks no
// registry, stores nothing, and writes no secret into its logs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { requestBytes, sendRaw } from '../support/raw-http.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { startFakeUpstream, putImage, type FakeUpstream } from '../support/fake-upstream.ts';
import { untilStream, newestOf } from '../support/stream-watch.ts';
import { webhookCases, type HookUnderTest } from '../support/hostile/webhook-cases.ts';

const seed = Number(process.env.HOSTILE_SEED ?? 20_240_601);
const project = 'hostile-hooks';
const types = ['distribution', 'gitlab', 'dockerhub', 'quay', 'harbor', 'ghcr', 'generic'];

describe('webhook receivers under hostile deliveries', () => {
  let server: RunningServer;
  let upstream: FakeUpstream;
  const hooks: HookUnderTest[] = [];
  const secrets: string[] = [];
  const ims = cliSession();
  const run = async (...args: string[]) => {
    const result = await ims.run([...args, '-n', project]);
    assert.equal(result.code, 0, `ims ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const projectState = async () => {
    const headers = { authorization: `Bearer ${server.adminToken}` };
    const paths = [
      '/apis/image.openshift.io/v1/namespaces/hostile-hooks/imagestreams',
      '/apis/image.openshift.io/v1/images',
      '/api/v1/namespaces/hostile-hooks/secrets',
    ];
    const lists = await Promise.all(paths.map(async (path) => (await fetch(`${server.url}${path}`, { headers })).json()));
    return JSON.stringify(lists.map((list: { items: unknown[] }) => list.items));
  };

  before(async () => {
    upstream = await startFakeUpstream();
    // Debug logs every request's path: the receivers' secrets must not be in them either.
    server = await startServer(['--log-level', 'debug']);
    assert.equal((await ims.run(['login', server.url, '--token', server.adminToken])).code, 0);
    assert.equal((await ims.run(['new-project', project])).code, 0);
    const digest = putImage(upstream, 'team/app', '1', 'tracked');
    await run('tag', '--source=docker', '--insecure', `${upstream.host}/team/app:1`, 'app:1');
    await untilStream(server, server.adminToken, project, 'app', (s) => newestOf(s, '1').image === digest);
    for (const type of types) {
      const lines = (await run('create', 'webhook', `${type}-hook`, '--type', type, '--registry', upstream.host)).trim().split('\n');
      const url = new URL(lines.at(-1)!);
      const secret = lines.find((l) => l.startsWith('Secret: '))?.slice('Secret: '.length);
      hooks.push({ type, path: url.pathname, secret });
      secrets.push(secret ?? /\/([0-9a-f]{48})\/[a-z]+$/.exec(url.pathname)![1]);
    }
    // The tag moved upstream: a delivery that got through would import it.
    putImage(upstream, 'team/app', '1', 'moved');
  });
  after(async () => {
    await server?.stop();
    await upstream?.stop();
  });

  it('refuses each with a 4xx Status or accepts it as doing nothing, asks no registry and stores nothing', async () => {
    const before = await projectState();
    const requestsBefore = upstream.requests.length;
    const tally = new Map<number, number>();
    const problems: string[] = [];
    for (const hostile of webhookCases(seededRandom(seed), hooks, 140)) {
      const answer = await sendRaw(server.port, requestBytes(server.port, hostile), { timeoutMs: 20_000 });
      tally.set(answer.status, (tally.get(answer.status) ?? 0) + 1);
      let body: { kind?: string; status?: string; code?: number; message?: string } = {};
      try {
        body = JSON.parse(answer.body.toString('utf8'));
      } catch {
        problems.push(`${hostile.name}: ${answer.status} with a body that is not JSON`);
        continue;
      }
      const refused = answer.status >= 400 && answer.status < 500 && body.kind === 'Status' && body.status === 'Failure' && body.code === answer.status;
      const ignored = answer.status === 202 && body.status === 'Success' && /^no tag of this project follows/.test(body.message ?? '');
      if (!refused && !ignored) problems.push(`${hostile.name}: ${answer.status} ${JSON.stringify(body).slice(0, 160)}`);
      for (const secret of secrets) if (answer.body.includes(secret)) problems.push(`${hostile.name}: the answer carries a secret`);
    }
    console.log(
      `hostile webhooks (seed ${seed}): ${[...tally]
        .sort(([a], [b]) => a - b)
        .map(([status, n]) => `${status}×${n}`)
        .join(' ')}`,
    );
    assert.deepEqual(problems, []);
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(server.process.exitCode, null);
    assert.deepEqual(upstream.requests.slice(requestsBefore), [], 'no delivery made the server ask a registry');
    assert.equal(await projectState(), before, 'nothing stored changed');
    for (const secret of secrets) assert.ok(!server.logs().includes(secret), 'no secret in the logs');
  });
});
