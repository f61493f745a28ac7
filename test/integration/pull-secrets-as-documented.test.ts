// Pull secrets made as the OpenShift pages make them: a podman auth.json stored with the podman
// procedure's type, and a config.json whose `auth` is not valid base64 (the pages' sample), both
// accepted as Kubernetes accepts them; the first is used, the second named where an import fails.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { putImage, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';

describe('pull secrets as the documentation makes them', () => {
  let server: RunningServer;
  let upstream: FakeUpstream;
  const ims = cliSession();
  const dir = makeTempDir('ims-pull-secrets');
  before(async () => {
    upstream = await startFakeUpstream({ basic: { user: 'bot', password: 'pw' } });
    putImage(upstream, 'org/private', 'v1', 'private');
    server = await startServer();
    assert.equal((await ims.run(['login', server.url, '--token', server.adminToken])).code, 0);
    assert.equal((await ims.run(['new-project', 'docs'])).code, 0);
  });
  after(async () => {
    await server.stop();
    await upstream.stop();
  });

  it('names a config.json entry whose auth is not base64 of user:password when the import is refused', async () => {
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ auths: { [upstream.host]: { auth: 'b3BlbnNoaWZ0Cg==not-base64', email: 'you@example.com' } } }));
    const created = await ims.run([
      'create',
      'secret',
      'generic',
      'sample',
      `--from-file=.dockerconfigjson=${config}`,
      '--type=kubernetes.io/dockerconfigjson',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const imported = await ims.run(['import-image', 'private:v1', `--from=${upstream.host}/org/private:v1`, '--insecure', '--confirm']);
    assert.equal(imported.code, 1);
    assert.match(
      imported.stderr,
      new RegExp(`secret sample, entry ${upstream.host.replace(/\./g, '\\.')} cannot be used: its "auth" is not base64 of user:password`),
    );
    assert.equal((await ims.run(['delete', 'secret/sample'])).code, 0);
  });

  it('uses a podman auth.json stored with --type=kubernetes.io/podmanconfigjson', async () => {
    const auth = join(dir, 'auth.json');
    writeFileSync(auth, JSON.stringify({ auths: { [upstream.host]: { auth: Buffer.from('bot:pw').toString('base64') } } }));
    const created = await ims.run(['create', 'secret', 'generic', 'podman-creds', `--from-file=${auth}`, '--type=kubernetes.io/podmanconfigjson']);
    assert.equal(created.code, 0, created.stderr);
    const imported = await ims.run(['import-image', 'private:v1', `--from=${upstream.host}/org/private:v1`, '--insecure', '--confirm']);
    assert.equal(imported.code, 0, imported.stderr);
    const stream = JSON.parse((await ims.run(['get', 'is', 'private', '-o', 'json'])).stdout) as { metadata: { annotations: Record<string, string> } };
    assert.equal(stream.metadata.annotations['imagestream.io/import-secrets'], 'podman-creds');
  });
});
