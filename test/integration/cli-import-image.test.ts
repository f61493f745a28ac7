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

  it('prints the stream by name, then what it imported', async () => {
    const imported = await ims.run(['import-image', 'ruby:2.2']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /^imagestream\.image\.openshift\.io\/ruby imported\n\nName:\t\t\truby\nNamespace:\t\tdefault\n/);
    assert.match(imported.stdout, new RegExp(`\\nImage Name:\\truby:2\\.2\\nDocker Image:\\t${upstream.host.replace(/\./g, '\\.')}/org/ruby@${first}\\n`));
  });

  it('imports every tag of a repository but the names that cannot be tags, which another registry may list', async () => {
    putImage(upstream, 'org/listed', 'good', 'listed-good');
    putImage(upstream, 'org/listed', 'bad\u001b[2Jname', 'listed-bad');
    const imported = await ims.run(['import-image', 'listed', `--from=${upstream.host}/org/listed`, '--all', '--confirm', '--insecure']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal((await ims.run(['get', 'is', 'listed', '-o', 'jsonpath={.status.tags[*].tag}'])).stdout, 'good');
  });

  it('takes an empty --import-mode= as Legacy, the default', async () => {
    const imported = await ims.run(['import-image', 'ruby:2.2', '--import-mode=']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal((await ims.run(['get', 'is', 'ruby', '-o', 'jsonpath={.spec.tags[0].importPolicy.importMode}'])).stdout, 'Legacy');
  });

  it('re-imports the source of an alias, following it within the stream', async () => {
    assert.equal((await ims.run(['tag', '--alias', 'ruby:2.2', 'ruby:stable'])).code, 0);
    const newer = putImage(upstream, 'org/ruby', '2.2', 'ruby-2.2.1');
    const imported = await ims.run(['import-image', 'ruby:stable']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /^imagestream\.image\.openshift\.io\/ruby imported\n/);
    assert.match(imported.stdout, /\nImage Name:\truby:2\.2\n/);
    for (const tag of ['ruby:2.2', 'ruby:stable'])
      assert.equal((await ims.run(['get', 'istag', tag, '-o', 'jsonpath={.image.metadata.name}'])).stdout, newer, tag);
    const elsewhere = await ims.run(['import-image', 'ruby:stable', `--from=${upstream.host}/org/other:1`]);
    assert.equal(
      elsewhere.stderr,
      `error: the tag "stable" points to the tag "2.2" which points to "${upstream.host}/org/ruby:2.2" - use the 'tag' command if you want to change the source to "${upstream.host}/org/other:1"\n`,
    );
  });

  it('refuses aliases that loop or leave the stream', async () => {
    const stream = (tags: object[]) =>
      JSON.stringify({ apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name: 'loops' }, spec: { tags } });
    const alias = (name: string, from: string) => ({ name, from: { kind: 'ImageStreamTag', name: from } });
    assert.equal((await ims.run(['create', '-f', '-'], { stdin: stream([alias('a', 'loops:b'), alias('b', 'a'), alias('out', 'ruby:2.2')]) })).code, 0);
    assert.equal((await ims.run(['import-image', 'loops:a'])).stderr, 'error: tag "a" on the image stream is a reference to same tag\n');
    assert.equal((await ims.run(['import-image', 'loops:out'])).stderr, 'error: tag "out" points to an imagestreamtag from another ImageStream\n');
  });

  it('names the tag that failed and why, and exits non-zero', async () => {
    const failed = await ims.run(['import-image', 'gone:1', `--from=${upstream.host}/org/gone:1`, '--confirm', '--insecure']);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /^imagestream\.image\.openshift\.io\/gone imported with errors\n\nName:\t\t\tgone\n/);
    assert.match(failed.stderr, /^error: tag 1 failed: .*not found.*\n$/);
  });
});
