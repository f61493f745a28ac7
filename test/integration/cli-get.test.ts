// `ims get` against a real server, as kubectl behaves: names it cannot find, flags oc has dropped.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { pushOverHttp } from '../support/http-push.ts';

const streams = (...names: string[]) => names.map((name) => `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata: {name: ${name}}\n`).join('---\n');

describe('ims get', () => {
  let server: RunningServer;
  const ims = cliSession();
  before(async () => {
    server = await startServer();
    await ims.run(['login', server.url, '--token', server.adminToken]);
    await pushOverHttp(server.url, server.adminToken, 'default/ruby', '2.7', 'ruby-2.7');
    assert.equal((await ims.run(['create', '-f', '-'], { stdin: streams('a', 'b') })).code, 0);
  });
  after(async () => {
    await server.stop();
  });

  it('prints the objects it found and an error for each it did not', async () => {
    const table = await ims.run(['get', 'is', 'a', 'nope', 'b']);
    assert.equal(table.code, 1);
    assert.match(table.stdout, /^NAME\s+IMAGE REPOSITORY\s+TAGS\s+UPDATED\na\s+127\.0\.0\.1:\d+\/default\/a\nb\s+127\.0\.0\.1:\d+\/default\/b\n$/);
    assert.equal(table.stderr, 'error: imagestreams.image.openshift.io "nope" not found\n');
    const names = await ims.run(['get', 'is', 'a', 'nope', 'b', '-o', 'name']);
    assert.equal(names.code, 1);
    assert.equal(names.stdout, 'imagestream.image.openshift.io/a\nimagestream.image.openshift.io/b\n');
    assert.equal(names.stderr, 'error: imagestreams.image.openshift.io "nope" not found\n');
  });

  it('takes --export and ignores it, with the deprecation warning oc gave', async () => {
    const exported = await ims.run(['get', 'is', 'a', '-o', 'name', '--export']);
    assert.equal(exported.code, 0);
    assert.equal(exported.stdout, 'imagestream.image.openshift.io/a\n');
    assert.equal(exported.stderr, 'Flag --export has been deprecated, This flag is deprecated and will be removed in future.\n');
  });
});
