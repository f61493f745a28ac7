// `ims import-image` against a real server importing from a registry of its own (a fake upstream):
// what it prints, how it follows aliases, and how it fails.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { startFakeUpstream, putImage, type FakeUpstream } from '../support/fake-upstream.ts';

describe('ims import-image', () => {
  let server: RunningServer;
  let upstream: FakeUpstream;
  const ims = cliSession();
  let first: string;
  before(async () => {
    upstream = await startFakeUpstream();
    server = await startServer();
    await ims.run(['login', server.url, '--token', server.adminToken]);
    first = putImage(upstream, 'org/ruby', '2.2', 'ruby-2.2');
  });
  after(async () => {
    await server.stop();
    await upstream.stop();
  });

  it('leaves its own bookkeeping annotations out of describe', async () => {
    const imported = await ims.run(['import-image', 'ruby:2.2', `--from=${upstream.host}/org/ruby:2.2`, '--confirm', '--insecure']);
    assert.equal(imported.code, 0, imported.stderr);
    const annotations = (await ims.run(['get', 'is', 'ruby', '-o', 'jsonpath={.metadata.annotations}'])).stdout;
    assert.match(annotations, /imagestream\.io\/source-digests/, 'the server keeps its bookkeeping');
    const described = (await ims.run(['describe', 'is/ruby'])).stdout;
    assert.match(described, /\nAnnotations:\t\topenshift\.io\/image\.dockerRepositoryCheck=\S+\nImage Repository:/);
    for (const output of [imported.stdout, described]) assert.doesNotMatch(output, /imagestream\.io\//);
  });

  it('takes an empty --import-mode= as Legacy, the default', async () => {
    const imported = await ims.run(['import-image', 'ruby:2.2', '--import-mode=']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal((await ims.run(['get', 'is', 'ruby', '-o', 'jsonpath={.spec.tags[0].importPolicy.importMode}'])).stdout, 'Legacy');
  });
});
