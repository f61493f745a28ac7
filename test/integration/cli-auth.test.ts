// `ims auth can-i` against a real server: kubectl's answers and exit codes, for yourself, for
// another user (--as, a SubjectAccessReview), and the --list of what you hold.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';

describe('ims auth can-i', () => {
  let server: RunningServer;
  const admin = cliSession();
  const puller = cliSession();
  before(async () => {
    server = await startServer();
    assert.equal((await admin.run(['login', server.url, '--token', server.adminToken])).code, 0);
    assert.equal((await admin.run(['new-project', 'demo'])).code, 0);
    const token = await admin.run(['create', 'token', 'default', '-n', 'demo']);
    assert.equal(token.code, 0, token.stderr);
    assert.equal((await puller.run(['login', server.url, '--token', token.stdout.trim()])).code, 0);
  });
  after(async () => {
    await server?.stop();
  });

  it('says yes with exit 0 and no with exit 1, as kubectl does', async () => {
    assert.deepEqual(await puller.run(['auth', 'can-i', 'get', 'imagestreams', '--subresource=layers', '-n', 'demo']), {
      code: 0,
      stdout: 'yes\n',
      stderr: '',
    });
    assert.deepEqual(await puller.run(['auth', 'can-i', 'update', 'is/app', '--subresource', 'layers', '-n', 'demo']), { code: 1, stdout: 'no\n', stderr: '' });
    assert.deepEqual(await puller.run(['auth', 'can-i', 'get', 'secrets', '-n', 'demo', '-q']), { code: 1, stdout: '', stderr: '' });
    assert.equal((await admin.run(['auth', 'can-i', 'delete', 'namespaces', '-A'])).stdout, 'yes\n');
    assert.equal((await puller.run(['auth', 'can-i', 'get', '/metrics'])).stdout, 'no\n');
    assert.equal((await admin.run(['auth', 'can-i', 'get', '/metrics'])).stdout, 'yes\n');
  });

  it('resolves short names and asks by name, warning about types the server does not serve', async () => {
    const owner = cliSession();
    assert.equal((await owner.run(['login', server.url, '--token', server.adminToken, '-n', 'demo'])).code, 0);
    assert.equal((await owner.run(['auth', 'can-i', 'patch', 'deploy', 'web', '-n', 'demo'])).stdout, 'yes\n');
    const unknown = await puller.run(['auth', 'can-i', 'get', 'widgets', '-n', 'demo']);
    assert.deepEqual([unknown.code, unknown.stdout], [1, 'no\n']);
    assert.match(unknown.stderr, /Warning: the server doesn't have a resource type 'widgets'/);
  });

  it('asks about another user with --as, through a SubjectAccessReview that needs the right to ask', async () => {
    const sa = 'system:serviceaccount:demo:builder';
    assert.equal((await admin.run(['auth', 'can-i', 'create', 'imagestreams', '-n', 'demo', '--as', sa])).stdout, 'yes\n');
    assert.equal((await admin.run(['auth', 'can-i', 'create', 'imagestreams', '-n', 'default', '--as', sa])).stdout, 'no\n');
    assert.equal((await admin.run(['auth', 'can-i', 'get', 'secrets', '-n', 'demo', '--as', 'alice', '--as-group', 'system:cluster-admins'])).stdout, 'yes\n');
    const refused = await puller.run(['auth', 'can-i', 'get', 'secrets', '-n', 'demo', '--as', 'system:admin']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^Error from server \(Forbidden\): .*cannot create resource "subjectaccessreviews"/);
  });

  it('lists what you may do in the namespace', async () => {
    const list = await puller.run(['auth', 'can-i', '--list', '-n', 'demo']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs\n/);
    assert.match(list.stdout, /\nimagestreams\.image\.openshift\.io\/layers\s+\[\]\s+\[\]\s+\[get\]\n/);
    assert.doesNotMatch(list.stdout, /secrets/);
    const everything = await admin.run(['auth', 'can-i', '--list', '-n', 'demo']);
    assert.match(everything.stdout, /\n\*\.\*\s+\[\]\s+\[\]\s+\[\*\]\n/);
    assert.match(everything.stdout, /\n\s+\[\*\]\s+\[\]\s+\[\*\]\n/);
  });

  it('explains a wrong call', async () => {
    const missing = await puller.run(['auth', 'can-i', 'get']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error: you must specify two or three arguments/);
    const help = await puller.run(['auth', 'can-i', '--help']);
    assert.match(help.stdout, /ims auth can-i --list/);
  });
});
