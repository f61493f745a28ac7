// Pull specs are checked against OpenShift's reference grammar (SPEC §2.1) before anything is
// stored, so a malformed one is refused at once instead of being imported (and retried) forever;
// and `import-image --from … --confirm` replaces the source of an existing tag.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { putImage, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';

const malformed = 'host/UPPER/Case::x';

describe('pull specs of image stream tags', () => {
  let server: RunningServer;
  let upstream: FakeUpstream;
  const ims = cliSession();
  before(async () => {
    server = await startServer();
    upstream = await startFakeUpstream();
    await ims.run(['login', server.url, '--token', server.adminToken]);
  });
  after(async () => {
    await upstream?.stop();
    await server?.stop();
  });

  it('refuses a malformed --from before storing a stream or a tag', async () => {
    const imported = await ims.run(['import-image', 'broken:1', `--from=${malformed}`, '--confirm']);
    assert.equal(imported.code, 1);
    assert.equal(
      imported.stderr,
      `The ImageStreamImport "broken" is invalid: spec.images[0].from.name: Invalid value: "${malformed}": repository names must be lower case letters, digits and separators (. _ __ -)\n`,
    );
    const stored = await ims.run(['get', 'is', 'broken']);
    assert.equal(stored.code, 1, 'no stream was stored');
    assert.match(stored.stderr, /not found/);
    assert.equal(upstream.requests.length, 0, 'nothing was fetched');
  });

  it('refuses a malformed spec tag written through the API, and keeps the stream as it was', async () => {
    putImage(upstream, 'org/app', '1', 'first');
    const good = await ims.run(['import-image', 'app:1', `--from=${upstream.host}/org/app:1`, '--confirm', '--insecure']);
    assert.equal(good.code, 0, good.stderr);
    const before = JSON.parse((await ims.run(['get', 'is', 'app', '-o', 'json'])).stdout) as {
      spec: { tags: unknown[] };
      metadata: { resourceVersion: string };
    };
    const stream = {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'app' },
      spec: { tags: [...before.spec.tags, { name: '2', from: { kind: 'DockerImage', name: malformed } }] },
    };
    const applied = await ims.run(['apply', '-f', '-'], { stdin: JSON.stringify(stream) });
    assert.equal(applied.code, 1);
    assert.match(applied.stderr, new RegExp(`spec\\.tags\\[1\\]\\.from\\.name: Invalid value: "${malformed}": repository names must be lower case`));
    const after = JSON.parse((await ims.run(['get', 'is', 'app', '-o', 'json'])).stdout) as { spec: unknown; metadata: { resourceVersion: string } };
    assert.deepEqual(after.spec, before.spec);
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
    const tagged = await ims.run(['tag', '--source=docker', malformed, 'app:2']);
    assert.equal(tagged.code, 1, 'ims tag refuses it too');
  });

  it('replaces the source of an existing tag with import-image --from … --confirm, and asks for --confirm first', async () => {
    putImage(upstream, 'org/old', '1', 'old');
    const fixed = putImage(upstream, 'org/fixed', '1', 'fixed');
    assert.equal((await ims.run(['import-image', 'moved:1', `--from=${upstream.host}/org/old:1`, '--confirm', '--insecure'])).code, 0);
    const unconfirmed = await ims.run(['import-image', 'moved:1', `--from=${upstream.host}/org/fixed:1`, '--insecure']);
    assert.equal(unconfirmed.code, 1);
    assert.equal(
      unconfirmed.stderr,
      `error: the tag "1" points to "${upstream.host}/org/old:1" - pass --confirm to change its source to "${upstream.host}/org/fixed:1", or use the 'tag' command\n`,
    );
    const confirmed = await ims.run(['import-image', 'moved:1', `--from=${upstream.host}/org/fixed:1`, '--confirm', '--insecure']);
    assert.equal(confirmed.code, 0, confirmed.stderr);
    assert.equal((await ims.run(['get', 'is', 'moved', '-o', 'jsonpath={.spec.tags[0].from.name}'])).stdout, `${upstream.host}/org/fixed:1`);
    assert.equal((await ims.run(['get', 'istag', 'moved:1', '-o', 'jsonpath={.image.metadata.name}'])).stdout, fixed);
  });
});
