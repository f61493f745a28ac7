// `imagestream.io/import-secrets` names the secrets the latest import used, and only secrets that
// exist: deleting one takes it out of every stream of its project at once, whichever replica the
// delete reached. `describe` never shows this bookkeeping.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { inProcessCli } from '../support/in-process-cli.ts';
import { startFakeUpstream, putImage, type FakeUpstream } from '../support/fake-upstream.ts';
import { startEtcd, etcdBinary, type EtcdCluster } from '../support/etcd.ts';
import { missingPeer } from '../support/peers.ts';
import { callApi, waitFor } from '../support/replica-set.ts';

const importSecrets = 'imagestream.io/import-secrets';

interface Upstreams {
  readonly first: FakeUpstream;
  readonly second: FakeUpstream;
}

async function startUpstreams(): Promise<Upstreams> {
  const first = await startFakeUpstream({ basic: { user: 'bot', password: 'pw' } });
  const second = await startFakeUpstream({ basic: { user: 'other', password: 'pw2' } });
  putImage(first, 'org/app', 'v1', 'first');
  putImage(second, 'org/app', 'v1', 'second');
  return { first, second };
}

/** Streams a and b import with the secret creds, stream c with the secret other; answers their annotations. */
async function importWithSecrets(server: RunningServer, upstreams: Upstreams): Promise<(name: string) => Promise<string | undefined>> {
  const ims = inProcessCli();
  const run = async (...args: string[]) => {
    const result = await ims.run([...args, '-n', 'books']);
    assert.equal(result.code, 0, `ims ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  assert.equal((await ims.run(['login', server.url, '--token', server.adminToken])).code, 0);
  assert.equal((await ims.run(['new-project', 'books'])).code, 0);
  const secret = (name: string, upstream: FakeUpstream, user: string, password: string) =>
    run('create', 'secret', 'docker-registry', name, `--docker-server=${upstream.host}`, `--docker-username=${user}`, `--docker-password=${password}`);
  await secret('creds', upstreams.first, 'bot', 'pw');
  await secret('other', upstreams.second, 'other', 'pw2');
  for (const [stream, upstream] of [
    ['a', upstreams.first],
    ['b', upstreams.first],
    ['c', upstreams.second],
  ] as const)
    await run('import-image', `${stream}:v1`, `--from=${upstream.host}/org/app:v1`, '--insecure', '--confirm');
  assert.doesNotMatch(await run('describe', 'is/a'), /imagestream\.io\//, 'describe shows the bookkeeping annotations');
  return async (name) => {
    const response = await callApi(server.url, server.adminToken, 'GET', `/apis/image.openshift.io/v1/namespaces/books/imagestreams/${name}`);
    return ((await response.json()) as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.[importSecrets];
  };
}

describe('the import-secrets bookkeeping', () => {
  let server: RunningServer;
  let upstreams: Upstreams;
  before(async () => {
    upstreams = await startUpstreams();
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
    await upstreams?.first.stop();
    await upstreams?.second.stop();
  });

  it('forgets a secret in every stream that named it once the secret is deleted, and keeps the others', async () => {
    const annotationOf = await importWithSecrets(server, upstreams);
    assert.equal(await annotationOf('a'), 'creds');
    assert.equal(await annotationOf('b'), 'creds');
    assert.equal(await annotationOf('c'), 'other');
    assert.equal((await callApi(server.url, server.adminToken, 'DELETE', '/api/v1/namespaces/books/secrets/creds')).status, 200);
    assert.equal(await annotationOf('a'), undefined);
    assert.equal(await annotationOf('b'), undefined);
    assert.equal(await annotationOf('c'), 'other');
  });
});

const skip = missingPeer('etcd', etcdBinary, 'apt-get install etcd-server etcd-client');

describe('the import-secrets bookkeeping on replicas sharing etcd', { skip }, () => {
  let etcd: EtcdCluster;
  let upstreams: Upstreams;
  let first: RunningServer;
  let second: RunningServer;
  before(async () => {
    etcd = await startEtcd();
    upstreams = await startUpstreams();
    const flags = ['--store', 'etcd', '--etcd-endpoints', etcd.endpoints.join(',')];
    first = await startServer(flags);
    second = await startServer(flags);
  });
  after(async () => {
    await first?.stop();
    await second?.stop();
    await upstreams?.first.stop();
    await upstreams?.second.stop();
    await etcd?.stop();
  });

  it('forgets a secret deleted through one replica in what the other replica serves', async () => {
    const annotationOf = await importWithSecrets(first, upstreams);
    assert.equal(await annotationOf('a'), 'creds');
    assert.equal((await callApi(second.url, first.adminToken, 'DELETE', '/api/v1/namespaces/books/secrets/creds')).status, 200);
    // The first replica serves from its own watch of etcd: what it serves follows within a bound.
    await waitFor('stream a without the deleted secret', async () => ((await annotationOf('a')) === undefined ? true : undefined));
    assert.equal(await annotationOf('c'), 'other');
  });
});
