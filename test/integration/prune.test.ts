// `ims adm prune images` against a real server: old revisions go, what workloads use stays, and
// pushes running at the same time lose nothing.
import { deploymentYaml } from '../support/deployment-yaml.ts';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { pushOverHttp } from '../support/http-push.ts';

describe('ims adm prune images', () => {
  let server: RunningServer;
  const ims = cliSession();
  const revisions: string[] = [];
  let host: string;
  before(async () => {
    server = await startServer();
    host = server.url.replace('http://', '');
    await ims.run(['login', server.url, '--token', server.adminToken]);
    for (let i = 0; i < 5; i++) revisions.push(await pushOverHttp(server.url, server.adminToken, 'default/app', 'latest', `rev-${i}`));
    const used = deploymentYaml('uses-old', [{ name: 'c', image: `${host}/default/app@${revisions[1]}` }]);
    assert.equal((await ims.run(['create', '-f', '-'], { stdin: used })).code, 0);
  });
  after(async () => {
    await server.stop();
  });

  const manifestStatus = async (digest: string) => (await fetch(`${server.url}/v2/default/app/manifests/${digest}`, { headers: { authorization: `Bearer ${server.adminToken}` } })).status;

  it('lists what it would remove, with sizes, and changes nothing without --confirm', async () => {
    const dry = await ims.run(['adm', 'prune', 'images', '--keep-tag-revisions=1', '--keep-younger-than=0s']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^Dry run enabled - no modifications will be made\. Add --confirm to remove images\n/);
    for (const digest of [revisions[0], revisions[2], revisions[3]]) assert.match(dry.stdout, new RegExp(`${digest}\\s+\\d+(\\.\\d+)?[kM]?B`));
    assert.doesNotMatch(dry.stdout, new RegExp(`${revisions[1]}\\s+\\d`), 'the image a deployment uses stays');
    assert.match(dry.stdout, /Summary: would delete 3 tag revisions, 3 images and \d+ blobs/);
    for (const digest of revisions) assert.equal(await manifestStatus(digest), 200);
  });

  it('removes old revisions, their images and blobs with --confirm, while pushes go on', async () => {
    const pushing = Promise.all(Array.from({ length: 8 }, (_, i) => pushOverHttp(server.url, server.adminToken, 'default/busy', `t${i}`, `busy-${i}`)));
    const pruned = await ims.run(['adm', 'prune', 'images', '--keep-tag-revisions=1', '--keep-younger-than=0s', '--confirm']);
    assert.equal(pruned.code, 0, pruned.stderr);
    const pushed = await pushing;
    const history = JSON.parse((await ims.run(['get', 'is', 'app', '-o', 'json'])).stdout) as { status: { tags: { items: { image: string }[] }[] } };
    assert.deepEqual(history.status.tags[0].items.map((i) => i.image), [revisions[4], revisions[1]]);
    for (const digest of [revisions[0], revisions[2], revisions[3]]) assert.equal(await manifestStatus(digest), 404, digest);
    for (const digest of [revisions[1], revisions[4]]) assert.equal(await manifestStatus(digest), 200, digest);
    assert.equal((await ims.run(['get', 'image', revisions[0]])).code, 1, 'the Image object is gone');
    for (const [i, digest] of pushed.entries()) {
      const answer = await fetch(`${server.url}/v2/default/busy/manifests/t${i}`, { headers: { authorization: `Bearer ${server.adminToken}` } });
      assert.equal(answer.headers.get('docker-content-digest'), digest, 'pushes made during the prune are intact');
      const manifest = JSON.parse(await answer.text()) as { layers: { digest: string }[] };
      assert.equal((await fetch(`${server.url}/v2/default/busy/blobs/${manifest.layers[0].digest}`, { headers: { authorization: `Bearer ${server.adminToken}` } })).status, 200);
    }
  });

  it('refuses bad flags', async () => {
    assert.equal((await ims.run(['adm', 'prune', 'images', '--keep-tag-revisions=-1'])).stderr, 'error: --keep-tag-revisions must be greater than or equal to 0\n');
  });
});
