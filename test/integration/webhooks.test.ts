// Webhook receivers over a real server: each sender's payload (stand-ins built from their
// documented formats) imports exactly the tag that moved, after one HEAD, and records the receiver
// as the cause; deliveries that fail verification, replays and payloads naming registries the
// project does not track change nothing and make the server ask no registry.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { startFakeUpstream, putImage, type FakeUpstream } from '../support/fake-upstream.ts';
import { untilStream, newestOf } from '../support/stream-watch.ts';
import { signatureOf } from '../../src/webhooks/sender-verification.ts';
import {
  deliver,
  dockerHubPush,
  distributionEnvelope,
  genericPush,
  githubRegistryPackage,
  harborPushArtifact,
  quayRepositoryPush,
  type Delivery,
  type Pushed,
} from '../support/webhook-payloads.ts';

const project = 'hooks';

describe('webhook receivers', () => {
  let server: RunningServer;
  let upstream: FakeUpstream;
  let untracked: FakeUpstream;
  const ims = cliSession();
  const run = async (...args: string[]) => {
    const result = await ims.run([...args, '-n', project]);
    assert.equal(result.code, 0, `ims ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const stream = async (name: string) => {
    const answer = await fetch(`${server.url}/apis/image.openshift.io/v1/namespaces/${project}/imagestreams/${name}`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    return answer.json() as Promise<{ metadata: { resourceVersion: string }; status?: unknown }>;
  };
  /** A stream `name` whose tag 1 follows `repository:1` of the upstream, imported once. */
  const tracked = async (name: string, repository: string) => {
    const digest = putImage(upstream, repository, '1', `${name}-first`);
    await run('tag', '--source=docker', '--insecure', `${upstream.host}/${repository}:1`, `${name}:1`);
    await untilStream(server, server.adminToken, project, name, (s) => newestOf(s, '1').image === digest);
  };
  /** Creates a receiver; returns its URL (the last line printed) and, for signing senders, the secret. */
  const receiver = async (name: string, type: string, registry = upstream.host) => {
    const lines = (await run('create', 'webhook', name, '--type', type, '--registry', registry)).trim().split('\n');
    return { url: lines.at(-1)!, secret: lines.find((l) => l.startsWith('Secret: '))?.slice('Secret: '.length), lines };
  };
  const requestsDuring = async <T>(action: () => Promise<T>): Promise<{ result: T; requests: string[] }> => {
    const before = upstream.requests.length;
    const result = await action();
    return { result, requests: upstream.requests.slice(before) };
  };

  before(async () => {
    upstream = await startFakeUpstream();
    untracked = await startFakeUpstream();
    // Debug logs every request's path: the receivers' secrets must not be in them either.
    server = await startServer(['--log-level', 'debug']);
    assert.equal((await ims.run(['login', server.url, '--token', server.adminToken])).code, 0);
    assert.equal((await ims.run(['new-project', project])).code, 0);
  });
  after(async () => {
    await server?.stop();
    await upstream?.stop();
    await untracked?.stop();
  });

  const senders: { type: string; payload: (pushed: Pushed, secret: string) => Delivery; host: (upstreamHost: string) => string }[] = [
    { type: 'dockerhub', payload: (p) => dockerHubPush(p), host: () => 'docker.io' },
    { type: 'quay', payload: (p) => quayRepositoryPush(p), host: () => 'quay.io' },
    { type: 'harbor', payload: (p) => harborPushArtifact(p), host: () => 'harbor.example.com' },
    { type: 'ghcr', payload: (p, secret) => githubRegistryPackage(p, secret), host: () => 'ghcr.io' },
    { type: 'gitlab', payload: (p) => distributionEnvelope(p), host: () => 'registry.gitlab.example.com' },
    { type: 'generic', payload: (p, secret) => genericPush(p, secret), host: (h) => h },
  ];
  for (const sender of senders) {
    it(`imports the tag a ${sender.type} payload names, after one HEAD, recording the receiver as its cause`, async () => {
      const name = `from-${sender.type}`;
      await tracked(name, `team/${name}`);
      const hook = await receiver(`${sender.type}-hook`, sender.type);
      assert.match(hook.url, new RegExp(`^${server.url}/apis/image\\.openshift\\.io/v1/namespaces/${project}/imagestreamwebhooks/${sender.type}-hook/`));
      assert.equal(hook.secret !== undefined, sender.type === 'ghcr' || sender.type === 'generic', 'only signing senders are given the secret to sign with');
      const moved = putImage(upstream, `team/${name}`, '1', `${name}-second`);
      const pushed = { host: sender.host(upstream.host), repository: `team/${name}`, tag: '1', digest: moved };
      const { result, requests } = await requestsDuring(async () => {
        const answer = await deliver(hook.url, sender.payload(pushed, hook.secret ?? ''));
        assert.equal(answer.status, 202, answer.body);
        assert.match(answer.body, /1 tag follows what was pushed/);
        return untilStream(server, server.adminToken, project, name, (s) => newestOf(s, '1').image === moved);
      });
      assert.equal(newestOf(result, '1').cause, `webhook ${sender.type}-hook`);
      assert.deepEqual(
        requests.filter((r) => r.startsWith('HEAD')),
        [`HEAD /v2/team/${name}/manifests/1`],
      );
      assert.ok(
        requests.every((r) => r.includes(`/team/${name}/`) || r === 'GET /v2/'),
        `only the tracked repository was asked: ${requests.join(', ')}`,
      );
    });
  }

  it("takes GitHub's form-encoded deliveries too (its default content type), signed over the form", async () => {
    await tracked('from-form', 'team/from-form');
    const hook = await receiver('form-hook', 'ghcr');
    const moved = putImage(upstream, 'team/from-form', '1', 'form-second');
    const json = githubRegistryPackage({ host: 'ghcr.io', repository: 'team/from-form', tag: '1', digest: moved }, hook.secret!);
    const body = new URLSearchParams({ payload: json.body }).toString();
    const headers = { ...json.headers, 'content-type': 'application/x-www-form-urlencoded', 'x-hub-signature-256': signatureOf(body, hook.secret!) };
    const answer = await deliver(hook.url, { body, headers });
    assert.equal(answer.status, 202, answer.body);
    await untilStream(server, server.adminToken, project, 'from-form', (s) => newestOf(s, '1').image === moved);
  });

  it('shows the cause of each history item in describe is', async () => {
    const described = await run('describe', 'is/from-quay');
    assert.match(described, /caused by webhook quay-hook/);
    assert.match(described, /caused by tag/);
  });

  it('refuses deliveries that fail verification with 401 or 403, and changes nothing', async () => {
    await tracked('guarded', 'team/guarded');
    const hub = await receiver('guard-hub', 'dockerhub');
    const signed = await receiver('guard-gen', 'generic');
    putImage(upstream, 'team/guarded', '1', 'guarded-second');
    const pushed = { host: upstream.host, repository: 'team/guarded', tag: '1', digest: `sha256:${'a'.repeat(64)}` };
    const before = await stream('guarded');
    const wrongSecret = hub.url.replace(/\/[0-9a-f]{48}\/dockerhub$/, `/${'0'.repeat(48)}/dockerhub`);
    const noSecret = hub.url.replace(/\/[0-9a-f]{48}\/dockerhub$/, '/dockerhub');
    const unsigned = genericPush(pushed, 'not the secret');
    const { requests } = await requestsDuring(async () => {
      assert.equal((await deliver(wrongSecret, dockerHubPush(pushed))).status, 403);
      assert.equal((await deliver(noSecret, dockerHubPush(pushed))).status, 401);
      assert.equal((await deliver(hub.url.replace('/guard-hub/', '/no-such-hook/'), dockerHubPush(pushed))).status, 403);
      assert.equal((await deliver(signed.url, unsigned)).status, 403);
      assert.equal((await deliver(signed.url, { ...unsigned, headers: { 'content-type': 'application/json' } })).status, 401);
      // A signature for another body: the signature covers every byte.
      const other = genericPush({ ...pushed, tag: '2' }, signed.secret!);
      assert.equal((await deliver(signed.url, { ...genericPush(pushed, signed.secret!), headers: other.headers })).status, 403);
      // The right secret with another sender's format: verified, but refused as the wrong format.
      const otherType = await deliver(hub.url.replace(/\/dockerhub$/, '/quay'), quayRepositoryPush(pushed));
      assert.equal(otherType.status, 400);
      assert.match(otherType.body, /this receiver reads dockerhub payloads/);
    });
    assert.deepEqual(requests, [], 'no registry is asked for an unverified delivery');
    assert.equal((await stream('guarded')).metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it('does nothing for a replayed delivery id or a digest already imported, and asks no registry', async () => {
    await tracked('replayed', 'team/replayed');
    const hook = await receiver('replay-ghcr', 'ghcr');
    const moved = putImage(upstream, 'team/replayed', '1', 'replayed-second');
    const pushed = { host: 'ghcr.io', repository: 'team/replayed', tag: '1', digest: moved };
    const delivery = githubRegistryPackage(pushed, hook.secret!, 'delivery-1');
    assert.equal((await deliver(hook.url, delivery)).status, 202);
    await untilStream(server, server.adminToken, project, 'replayed', (s) => newestOf(s, '1').image === moved);
    const before = await stream('replayed');
    const { requests } = await requestsDuring(async () => {
      const replay = await deliver(hook.url, delivery);
      assert.equal(replay.status, 202);
      assert.match(replay.body, /received already/);
      // A new delivery naming the digest the tag was imported from is the tag as it is.
      const again = await deliver(hook.url, githubRegistryPackage(pushed, hook.secret!, 'delivery-2'));
      assert.equal(again.status, 202);
      // The import a hint would start is over by the time a later one for the same stream is done.
      await deliver(hook.url, githubRegistryPackage({ ...pushed, tag: 'untracked-tag' }, hook.secret!, 'delivery-3'));
    });
    assert.deepEqual(requests, []);
    assert.equal((await stream('replayed')).metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it('turns several events for one tag in one delivery into one check', async () => {
    await tracked('burst', 'team/burst');
    const hook = await receiver('burst-hook', 'distribution');
    const moved = putImage(upstream, 'team/burst', '1', 'burst-second');
    const pushed = { host: upstream.host, repository: 'team/burst', tag: '1', digest: moved };
    const { requests } = await requestsDuring(async () => {
      assert.equal((await deliver(hook.url, distributionEnvelope(pushed, ['a', 'b', 'c', 'd']))).status, 202);
      await untilStream(server, server.adminToken, project, 'burst', (s) => newestOf(s, '1').image === moved);
    });
    assert.equal(requests.filter((r) => r.startsWith('HEAD')).length, 1, requests.join(', '));
    assert.equal(
      requests.filter((r) => r === `GET /v2/team/burst/manifests/1` || r === `GET /v2/team/burst/manifests/${moved}`).length,
      1,
      requests.join(', '),
    );
  });

  it('never makes the server contact a registry the project does not track', async () => {
    const hook = await receiver('ssrf-generic', 'generic', untracked.host);
    const open = await receiver('ssrf-open', 'distribution', untracked.host);
    const targets = [`${untracked.host}/team/app`, '169.254.169.254/latest/meta-data', `127.0.0.1:${server.port}/hooks/app`, 'team/from-generic'];
    const untrackedBefore = untracked.requests.length;
    const { requests } = await requestsDuring(async () => {
      for (const repository of targets) {
        const body = JSON.stringify({ repository, tag: '1', digest: `sha256:${'b'.repeat(64)}` });
        const answer = await deliver(hook.url, { body, headers: { 'content-type': 'application/json', 'x-signature-256': signatureOf(body, hook.secret!) } });
        assert.equal(answer.status, 202, answer.body);
        assert.match(answer.body, /no tag of this project follows/);
      }
      const envelope = distributionEnvelope({ host: '169.254.169.254', repository: 'team/app', tag: '1', digest: `sha256:${'c'.repeat(64)}` });
      assert.match((await deliver(open.url, envelope)).body, /no tag of this project follows/);
    });
    assert.deepEqual(requests, []);
    assert.equal(untracked.requests.length, untrackedBefore);
  });

  it('lets edit create receivers and view only read them', async () => {
    const created = await ims.run(['create', '-f', '-', '-n', project], { stdin: 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: viewer\n' });
    assert.equal(created.code, 0, created.stderr);
    await run('policy', 'add-role-to-user', 'view', `system:serviceaccount:${project}:viewer`);
    const token = (await run('create', 'token', 'viewer')).trim();
    await receiver('visible', 'quay');
    const viewer = await ims.run(['create', 'webhook', 'nope', '--type', 'quay', '-n', project, '--token', token]);
    assert.equal(viewer.code, 1);
    assert.match(viewer.stderr, /forbidden/i);
    const listed = await ims.run(['get', 'imagestreamwebhooks', '-n', project, '--token', token]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /visible\s+quay\s+visible-webhook/);
    assert.match(await run('get', 'webhook/visible'), /visible\s+quay/, 'the short name works');
    const secrets = await ims.run(['get', 'secret', 'visible-webhook', '-n', project, '--token', token]);
    assert.equal(secrets.code, 1, 'view may not read the receiver secret');
  });

  it('gives a receiver deleted and made again a new secret, so the old URL stops working', async () => {
    await tracked('remade', 'team/remade');
    const old = await receiver('remade', 'quay');
    assert.equal((await ims.run(['delete', 'imagestreamwebhooks/remade', '-n', project])).code, 0);
    const again = await receiver('remade', 'quay');
    assert.match(again.lines[1], /secret\/remade-webhook updated with a new secret/);
    assert.notEqual(again.url, old.url);
    const pushed = { host: upstream.host, repository: 'team/remade', tag: '1', digest: '' };
    assert.equal((await deliver(old.url, quayRepositoryPush(pushed))).status, 403);
    assert.equal((await deliver(again.url, quayRepositoryPush(pushed))).status, 202);
    const taken = await ims.run(['create', 'webhook', 'taken', '--type', 'quay', '-n', project]);
    assert.equal(taken.code, 0, taken.stderr);
    await run('delete', 'imagestreamwebhooks/taken');
    await run('delete', 'secret/taken-webhook');
    await ims.run(['create', '-f', '-', '-n', project], {
      stdin: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: taken-webhook\nstringData:\n  app: config\n',
    });
    const refused = await ims.run(['create', 'webhook', 'taken', '--type', 'quay', '-n', project]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /secret "taken-webhook" already exists and is not the secret of a receiver taken/);
    assert.equal((await ims.run(['get', 'imagestreamwebhooks/taken', '-n', project])).code, 1, 'the receiver is taken back');
  });

  it('counts deliveries by type and result, and tag checks by result, in /metrics', async () => {
    const metrics = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${server.adminToken}` } })).text();
    assert.match(metrics, /ims_webhook_deliveries_total\{type="dockerhub",result="accepted"\} [1-9]/);
    assert.match(metrics, /ims_webhook_deliveries_total\{type="dockerhub",result="unverified"\} [1-9]/);
    assert.match(metrics, /ims_webhook_deliveries_total\{type="ghcr",result="duplicate"\} [1-9]/);
    assert.match(metrics, /ims_webhook_tag_checks_total\{result="imported"\} [1-9]/);
    assert.match(metrics, /ims_webhook_tag_checks_total\{result="known"\} [1-9]/);
  });

  it('keeps every secret out of the logs and out of the answers', async () => {
    const hook = await receiver('logged', 'dockerhub');
    const secret = /\/([0-9a-f]{48})\/dockerhub$/.exec(hook.url)![1];
    const answers = [
      await deliver(hook.url, dockerHubPush({ host: 'docker.io', repository: 'team/none', tag: '1', digest: '' })),
      await deliver(
        hook.url.replace(
          secret,
          secret.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
        ),
        dockerHubPush({ host: 'docker.io', repository: 'x/y', tag: '1', digest: '' }),
      ),
      await deliver(hook.url, { body: '{"push_data": 1}', headers: { 'content-type': 'application/json' } }),
      // Near misses of the URL are no receiver's, and are logged without the secret all the same.
      await deliver(`${hook.url}/`, dockerHubPush({ host: 'docker.io', repository: 'x/y', tag: '1', digest: '' })),
      await deliver(`${hook.url}/extra`, dockerHubPush({ host: 'docker.io', repository: 'x/y', tag: '1', digest: '' })),
    ];
    for (const answer of answers) assert.ok(!answer.body.includes(secret));
    const receiverYaml = await run('get', 'imagestreamwebhooks', 'logged', '-o', 'yaml');
    assert.ok(!receiverYaml.includes(secret));
    assert.ok(!server.logs().includes(secret), 'no log line carries a receiver secret');
  });
});
