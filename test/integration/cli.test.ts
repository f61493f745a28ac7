// The `ims` CLI against a real server, as a user drives it.
import { deploymentYaml } from '../support/deployment-yaml.ts';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliProcess, cliSession } from '../support/run-cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { commandTable } from '../../src/cli/command-table.ts';

const deployment = (image: string) => deploymentYaml('web', [{ name: 'web', image }]);

describe('ims CLI', () => {
  let server: RunningServer;
  const admin = cliSession();
  before(async () => {
    const htpasswd = join(makeTempDir('ims-htpasswd'), 'users.htpasswd');
    writeFileSync(htpasswd, `alice:${bcrypt.hashSync('wonderland', 4).replace(/^\$2b\$/, '$2y$')}\n`);
    server = await startServer(['--htpasswd', htpasswd]);
  });
  after(async () => {
    await server.stop();
  });

  it('logs in with the bootstrap token and says who you are', async () => {
    const login = await admin.run(['login', server.url, '--token', server.adminToken]);
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, new RegExp(`Logged into "${server.url}" as "admin" using the token provided.`));
    assert.match(login.stdout, /Using project "default"/);
    assert.equal((await admin.run(['whoami'])).stdout, 'admin\n');
    assert.equal((await admin.run(['whoami', '-t'])).stdout, `${server.adminToken}\n`);
  });

  it('creates a project, a registry secret, and links it for pulls', async () => {
    const project = await admin.run(['new-project', 'demo']);
    assert.equal(project.stdout, `Now using project "demo" on server "${server.url}".\n`);
    const secret = await admin.run([
      'create',
      'secret',
      'docker-registry',
      'quay',
      '--docker-server',
      'quay.io',
      '--docker-username',
      'bot',
      '--docker-password',
      'hunter2',
    ]);
    assert.equal(secret.stdout, 'secret/quay created\n', secret.stderr);
    assert.equal((await admin.run(['secrets', 'link', 'default', 'quay', '--for=pull'])).code, 0);
    const pulls = await admin.run(['get', 'sa', 'default', '-o', 'jsonpath={.imagePullSecrets[*].name}']);
    assert.equal(pulls.stdout, 'quay');
    const table = await admin.run(['get', 'secrets']);
    assert.match(table.stdout, /^NAME\s+TYPE\s+DATA\s+AGE\n/);
    assert.match(table.stdout, /quay\s+kubernetes\.io\/dockerconfigjson\s+1\s+\d+s/);
    const described = await admin.run(['describe', 'secret/quay']);
    assert.match(described.stdout, /\.dockerconfigjson:\s+\d+ bytes/);
    assert.ok(!described.stdout.includes('hunter2'), 'describe never shows secret content');
    const missing = await admin.run(['secrets', 'link', 'default', 'nope']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'error: secrets "nope" not found\n');
  });

  it('creates, applies and deletes objects from YAML', async () => {
    const created = await admin.run(['create', '-f', '-'], { stdin: deployment('nginx:1.25') });
    assert.equal(created.stdout, 'deployment.apps/web created\n', created.stderr);
    const again = await admin.run(['create', '-f', '-'], { stdin: deployment('nginx:1.25') });
    assert.equal(again.code, 1);
    assert.equal(again.stderr, 'Error from server (AlreadyExists): error when creating "STDIN": deployments.apps "web" already exists\n');
    assert.equal(
      (await admin.run(['apply', '-f', '-'], { stdin: deployment('nginx:1.25') })).stdout,
      'deployment.apps/web configured\n',
      'the first apply records the configuration',
    );
    assert.equal((await admin.run(['apply', '-f', '-'], { stdin: deployment('nginx:1.25') })).stdout, 'deployment.apps/web unchanged\n');
    assert.equal((await admin.run(['apply', '-f', '-'], { stdin: deployment('nginx:1.27') })).stdout, 'deployment.apps/web configured\n');
    const yaml = await admin.run(['get', 'deploy/web', '-o', 'yaml']);
    assert.match(yaml.stdout, /image: nginx:1\.27/);
    assert.match(yaml.stdout, /^apiVersion: apps\/v1\n/);
    const names = await admin.run(['get', 'deploy,secret', '-o', 'name']);
    assert.equal(names.stdout, 'deployment.apps/web\nsecret/quay\n');
    assert.equal((await admin.run(['delete', 'deploy/web'])).stdout, 'deployment.apps "web" deleted\n');
    const gone = await admin.run(['get', 'deploy', 'web']);
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr, 'Error from server (NotFound): deployments.apps "web" not found\n');
  });

  it('refuses fields the server does not know in -f files, as kubectl create and apply do', async () => {
    const typo = 'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: typo\nspec:\n  tagz:\n  - name: v1\n';
    for (const verb of ['create', 'apply']) {
      const refused = await admin.run([verb, '-f', '-'], { stdin: typo });
      assert.equal(refused.code, 1, verb);
      assert.match(refused.stderr, /unknown field "spec\.tagz"/, verb);
    }
    assert.equal((await admin.run(['get', 'is', 'typo'])).code, 1, 'nothing was stored');
  });

  it('takes global flags before the command too', async () => {
    const listed = await admin.run(['-n', 'default', 'get', 'sa', '-o', 'name']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^serviceaccount\/default$/m);
    assert.equal((await admin.run(['--server', server.url, 'whoami'])).stdout, 'admin\n');
  });

  it('reports bad files with the line of the problem', async () => {
    const bad = await admin.run(['create', '-f', '-'], { stdin: 'kind: Secret\nmetadata: [\n' });
    assert.equal(bad.code, 1);
    // The parser's whole message, once: what is wrong, where, and the line with a caret under the spot.
    assert.match(bad.stderr, /^error: error parsing STDIN: [^\n]* at line \d+, column \d+:\n\n[\s\S]*\^\n$/);
    assert.equal(bad.stderr.match(/line \d+/g)?.length, 1);
  });

  it('logs in with a password, and grants roles with policy', async () => {
    const alice = cliSession();
    const wrong = await alice.run(['login', server.url, '-u', 'alice', '-p', 'nope']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^error: Login failed \(401 Unauthorized\)/);
    const login = await alice.run(['login', server.url, '-u', 'alice', '-p', 'wonderland']);
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /^Login successful\./);
    assert.equal((await alice.run(['whoami'])).stdout, 'alice\n');
    assert.equal((await alice.run(['get', 'secrets', '-n', 'demo'])).code, 1);
    const granted = await admin.run(['policy', 'add-role-to-user', 'edit', 'alice', '-n', 'demo']);
    assert.equal(granted.stdout, 'clusterrole.rbac.authorization.k8s.io/edit added: "alice"\n');
    assert.equal((await alice.run(['project', 'demo'])).stdout, `Now using project "demo" on server "${server.url}".\n`);
    assert.match((await alice.run(['get', 'secrets'])).stdout, /quay/);
    assert.match((await alice.run(['projects'])).stdout, /You have one project on this server: "demo"/);
  });

  it('manages groups whose members get the rights bound to the group', async () => {
    const alice = cliSession();
    await alice.run(['login', server.url, '-u', 'alice', '-p', 'wonderland']);
    assert.equal((await admin.run(['new-project', 'infra'])).code, 0);
    assert.equal((await admin.run(['adm', 'groups', 'new', 'platform'])).stdout, 'group.user.openshift.io/platform created\n');
    assert.equal(
      (await admin.run(['policy', 'add-role-to-group', 'edit', 'platform', '-n', 'infra'])).stdout,
      'clusterrole.rbac.authorization.k8s.io/edit added: "platform"\n',
    );
    assert.equal((await alice.run(['get', 'secrets', '-n', 'infra'])).code, 1);
    assert.equal((await admin.run(['adm', 'groups', 'add-users', 'platform', 'alice'])).stdout, 'group.user.openshift.io/platform added: "alice"\n');
    const allowed = await alice.run(['get', 'secrets', '-n', 'infra']);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match((await admin.run(['get', 'groups'])).stdout, /^NAME\s+USERS\s+AGE\nplatform\s+alice\s+/);
    assert.equal((await admin.run(['adm', 'groups', 'remove-users', 'platform', 'alice'])).stdout, 'group.user.openshift.io/platform removed: "alice"\n');
    assert.equal((await alice.run(['get', 'secrets', '-n', 'infra'])).code, 1);
    const missing = await admin.run(['adm', 'groups', 'add-users', 'nobody', 'alice']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /groups.user.openshift.io "nobody" not found/);
  });

  it('binds a user named as a service account as that service account, as oc does', async () => {
    const granted = await admin.run(['policy', 'add-role-to-user', 'view', 'system:serviceaccount:infra:builder', '-n', 'demo']);
    assert.equal(granted.stdout, 'clusterrole.rbac.authorization.k8s.io/view added: "system:serviceaccount:infra:builder"\n', granted.stderr);
    const subjects = JSON.parse((await admin.run(['get', 'rolebinding', 'view', '-n', 'demo', '-o', 'jsonpath={.subjects}'])).stdout) as unknown;
    assert.deepEqual(subjects, [{ kind: 'ServiceAccount', name: 'builder', namespace: 'infra' }]);
    const wide = (await admin.run(['get', 'rolebindings', '-n', 'demo', '-o', 'wide'])).stdout;
    // kubectl's order: AGE before the wide columns; this binding has no users or groups.
    assert.match(wide, /^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS\n/);
    assert.match(wide, /^view {2,}ClusterRole\/view {2,}[0-9smhd]+ {2,}infra\/builder$/m);
  });

  it('prints service account tokens that work, and logs out for good', async () => {
    const token = (await admin.run(['create', 'token', 'builder', '-n', 'demo'])).stdout.trim();
    const whoami = await admin.run(['whoami', '--token', token]);
    assert.equal(whoami.stdout, 'system:serviceaccount:demo:builder\n');
    const session = cliSession();
    await session.run(['login', server.url, '-u', 'alice', '-p', 'wonderland']);
    const used = (await session.run(['whoami', '-t'])).stdout.trim();
    assert.match((await session.run(['logout'])).stdout, /^Logged "alice" out on/);
    const after = await session.run(['whoami', '--token', used]);
    assert.equal(after.code, 1);
    assert.match(after.stderr, /Unauthorized/);
  });

  it('is the same CLI as bin/ims started as a user starts it: the same output and exit status', async () => {
    // The other tests run the CLI in-process; the real binary must answer them alike, failures included.
    const binary = cliProcess();
    const inProcess = cliSession();
    for (const args of [
      ['login', server.url, '--token', server.adminToken],
      ['whoami'],
      ['get', 'is', 'nope'],
      ['frobnicate'],
      ['get', 'secrets', '--bogus'],
      ['tag', '--help'],
    ]) {
      const expected = await inProcess.run(args);
      assert.deepEqual(await binary.run(args), expected, args.join(' '));
    }
    const unknown = await binary.run(['frobnicate']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error: unknown command "frobnicate"/);
  });

  it('explains itself: --help with examples on every command, and clear errors', async () => {
    for (const command of commandTable.filter((c) => !c.hidden)) {
      const help = await admin.run([...command.path.split(' '), '--help']);
      assert.equal(help.code, 0, command.path);
      assert.match(help.stdout, /Examples:\n {2}# /, command.path);
    }
    const unknown = await admin.run(['frobnicate']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error: unknown command "frobnicate"/);
    const badFlag = await admin.run(['get', 'secrets', '--bogus']);
    assert.equal(badFlag.stderr, 'error: unknown flag: --bogus\n');
  });
});
