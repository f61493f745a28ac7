// A real `ims serve` on its defaults: imports stay out of the server's own network, except for
// the server's own registry.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { pushOverHttp } from '../support/http-push.ts';
import { putImage, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';

describe('ims serve without --allow-private-registries', () => {
  let server: RunningServer;
  let upstream: FakeUpstream;
  const ims = cliSession();
  before(async () => {
    server = await startServer([], { allowPrivateRegistries: false });
    upstream = await startFakeUpstream();
    putImage(upstream, 'org/app', '1.0', 'internal');
    await ims.run(['login', server.url, '--token', server.adminToken]);
  });
  after(async () => {
    await upstream.stop();
    await server.stop();
  });

  it('refuses to import from a registry on loopback, tells the user why, and still imports from its own registry', async () => {
    const refused = await ims.run(['import-image', 'app:1.0', `--from=${upstream.host}/org/app:1.0`, '--confirm', '--insecure']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`importing images from registry "${upstream.host}" is forbidden: .*loopback address.*--allow-private-registries`));
    assert.deepEqual(upstream.requests, [], 'the registry was never contacted');
    const described = await ims.run(['describe', 'is/app']);
    assert.match(described.stdout, /Import failed \(Forbidden\)/, described.stdout);
    // Its own registry listens on loopback too, and stays allowed.
    const digest = await pushOverHttp(server.url, server.adminToken, 'default/base', 'v1', 'base');
    const imported = await ims.run(['import-image', 'copy:v1', `--from=127.0.0.1:${server.port}/default/base:v1`, '--confirm']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal((await ims.run(['get', 'istag', 'copy:v1', '-o', 'jsonpath={.image.metadata.name}'])).stdout, digest);
  });
});
