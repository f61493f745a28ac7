// `ims get` against a real server, as kubectl behaves: names it cannot find, flags oc has dropped,
// and watching for changes (awaited line by line as the CLI prints them, never by waiting a while).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { pushOverHttp } from '../support/http-push.ts';
import { startRequestTap } from '../support/request-tap.ts';
import { agoPattern } from '../support/worded-ago.ts';

const streams = (...names: string[]) => names.map((name) => `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata: {name: ${name}}\n`).join('---\n');
const ago = agoPattern;

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
    assert.equal(table.stderr, 'Error from server (NotFound): imagestreams.image.openshift.io "nope" not found\n');
    const names = await ims.run(['get', 'is', 'a', 'nope', 'b', '-o', 'name']);
    assert.equal(names.code, 1);
    assert.equal(names.stdout, 'imagestream.image.openshift.io/a\nimagestream.image.openshift.io/b\n');
    assert.equal(names.stderr, 'Error from server (NotFound): imagestreams.image.openshift.io "nope" not found\n');
  });

  it('takes --export and ignores it, with the deprecation warning oc gave', async () => {
    const exported = await ims.run(['get', 'is', 'a', '-o', 'name', '--export']);
    assert.equal(exported.code, 0);
    assert.equal(exported.stdout, 'imagestream.image.openshift.io/a\n');
    assert.equal(exported.stderr, 'Flag --export has been deprecated, This flag is deprecated and will be removed in future.\n');
  });

  it('lists, then prints each change as it happens with -w', async () => {
    const watch = ims.start(['get', 'is', '-w']);
    try {
      await watch.nextLine(/^NAME\s+IMAGE REPOSITORY\s+TAGS\s+UPDATED$/);
      await watch.nextLine(/^ruby\s+127\.0\.0\.1:\d+\/default\/ruby\s+2\.7\s/);
      await pushOverHttp(server.url, server.adminToken, 'default/watched', 'v1', 'watched');
      assert.match(await watch.nextLine(/^watched\s.*\sv1\s/), new RegExp(`^watched\\s+127\\.0\\.0\\.1:\\d+/default/watched\\s+v1\\s+${ago}$`));
      assert.equal((await ims.run(['delete', 'is/a'])).code, 0);
      await watch.nextLine(/^a\s+127\.0\.0\.1:\d+\/default\/a$/);
    } finally {
      await watch.stop();
    }
  });

  it('prints changes only with --watch-only, the header coming with the first', async () => {
    // The CLI lists before it watches; once its watch request is seen, the list is behind it.
    const tap = await startRequestTap(server.url);
    const watch = ims.start(['get', 'is', 'b', '--watch-only', '--server', tap.url]);
    try {
      await watch.whileRunning(
        tap.nextRequest(
          /^GET \/apis\/image\.openshift\.io\/v1\/namespaces\/default\/imagestreams\?watch=true&resourceVersion=\d+&fieldSelector=metadata\.name%3Db$/,
        ),
      );
      assert.equal((await ims.run(['tag', 'ruby:2.7', 'b:new'])).code, 0);
      assert.match(await watch.nextLine(/.*/), /^NAME\s+IMAGE REPOSITORY\s+TAGS\s+UPDATED$/);
      assert.match(await watch.nextLine(/.*/), new RegExp(`^b\\s+127\\.0\\.0\\.1:\\d+/default/b\\s+new\\s+${ago}$`));
    } finally {
      await watch.stop();
      await tap.stop();
    }
  });

  it('watches one kind at a time', async () => {
    const both = await ims.run(['get', 'is,istag', '-w']);
    assert.equal(both.code, 1);
    assert.equal(both.stderr, 'error: you may only specify a single resource type\n');
  });
});
