// `ims adm prune images` against a real server: old revisions go, what workloads use stays,
// pushes running at the same time lose nothing, and blobs no Image references give their space back.
import { deploymentYaml } from '../support/deployment-yaml.ts';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
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

  const manifestStatus = async (digest: string) =>
    (await fetch(`${server.url}/v2/default/app/manifests/${digest}`, { headers: { authorization: `Bearer ${server.adminToken}` } })).status;

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
    // A push whose fresh layer the prune took before its manifest came fails cleanly
    // (MANIFEST_BLOB_UNKNOWN) and is pushed again, as a client would; one answered 201 must stay whole.
    const push = (i: number, attempt = 1): Promise<string> =>
      pushOverHttp(server.url, server.adminToken, 'default/busy', `t${i}`, `busy-${i}`).catch((error: Error) => {
        if (!/MANIFEST_BLOB_UNKNOWN/.test(error.message) || attempt === 3) throw error;
        return push(i, attempt + 1);
      });
    const pushing = Promise.all(Array.from({ length: 8 }, (_, i) => push(i)));
    const pruned = await ims.run(['adm', 'prune', 'images', '--keep-tag-revisions=1', '--keep-younger-than=0s', '--confirm']);
    assert.equal(pruned.code, 0, pruned.stderr);
    const pushed = await pushing;
    const history = JSON.parse((await ims.run(['get', 'is', 'app', '-o', 'json'])).stdout) as { status: { tags: { items: { image: string }[] }[] } };
    assert.deepEqual(
      history.status.tags[0].items.map((i) => i.image),
      [revisions[4], revisions[1]],
    );
    for (const digest of [revisions[0], revisions[2], revisions[3]]) assert.equal(await manifestStatus(digest), 404, digest);
    for (const digest of [revisions[1], revisions[4]]) assert.equal(await manifestStatus(digest), 200, digest);
    assert.equal((await ims.run(['get', 'image', revisions[0]])).code, 1, 'the Image object is gone');
    for (const [i, digest] of pushed.entries()) {
      const answer = await fetch(`${server.url}/v2/default/busy/manifests/t${i}`, { headers: { authorization: `Bearer ${server.adminToken}` } });
      assert.equal(answer.headers.get('docker-content-digest'), digest, 'pushes made during the prune are intact');
      const manifest = JSON.parse(await answer.text()) as { layers: { digest: string }[] };
      assert.equal(
        (await fetch(`${server.url}/v2/default/busy/blobs/${manifest.layers[0].digest}`, { headers: { authorization: `Bearer ${server.adminToken}` } })).status,
        200,
      );
    }
  });

  it('refuses bad flags', async () => {
    assert.equal(
      (await ims.run(['adm', 'prune', 'images', '--keep-tag-revisions=-1'])).stderr,
      'error: --keep-tag-revisions must be greater than or equal to 0\n',
    );
  });
});

describe('ims adm prune images and blobs no image references', () => {
  let server: RunningServer;
  const ims = cliSession();
  const hour = 3_600_000;
  const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
  const auth = () => ({ authorization: `Bearer ${server.adminToken}` });
  const blobsDir = () => join(server.dataDir, 'blobs', 'blobs');
  const blobFile = (digest: string) => join(blobsDir(), 'sha256', digest.slice(7, 9), digest.slice(7));
  const writtenAgo = (digest: string, ms: number) => {
    const then = new Date(Date.now() - ms);
    utimesSync(blobFile(digest), then, then);
  };
  const diskUsage = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce(
      (sum, entry) => sum + (entry.isDirectory() ? diskUsage(join(dir, entry.name)) : statSync(join(dir, entry.name)).size),
      0,
    );
  const pushBlob = async (repository: string, content: Buffer) => {
    const answer = await fetch(`${server.url}/v2/${repository}/blobs/uploads/?digest=${sha256(content)}`, {
      method: 'POST',
      body: new Uint8Array(content),
      headers: auth(),
    });
    assert.equal(answer.status, 201);
    return sha256(content);
  };
  const imageBlobs = async (repository: string, digest: string) => {
    const manifest = (await (await fetch(`${server.url}/v2/${repository}/manifests/${digest}`, { headers: auth() })).json()) as {
      config: { digest: string };
      layers: { digest: string }[];
    };
    return [digest, manifest.config.digest, ...manifest.layers.map((l) => l.digest)];
  };
  const blobStatus = async (repository: string, digest: string) =>
    (await fetch(`${server.url}/v2/${repository}/blobs/${digest}`, { method: 'HEAD', headers: auth() })).status;

  let killedPush: string;
  let interruptedPrune: string[];
  let kept: string[];
  let young: string;
  let inFlight: string;
  before(async () => {
    server = await startServer();
    await ims.run(['login', server.url, '--token', server.adminToken]);
    // A push killed two hours ago after its layer went in: no manifest ever came.
    killedPush = await pushBlob('default/killed', randomBytes(300_000));
    writtenAgo(killedPush, 2 * hour);
    // A prune that died two hours ago after deleting an Image and its stream, before its blobs.
    const gone = await pushOverHttp(server.url, server.adminToken, 'default/gone', 'v1', 'gone');
    interruptedPrune = await imageBlobs('default/gone', gone);
    for (const path of ['namespaces/default/imagestreams/gone', `images/${gone}`]) {
      assert.equal((await fetch(`${server.url}/apis/image.openshift.io/v1/${path}`, { method: 'DELETE', headers: auth() })).status, 200);
    }
    for (const digest of interruptedPrune) writtenAgo(digest, 2 * hour);
    // An Image in use, with blobs just as old.
    kept = await imageBlobs('default/kept', await pushOverHttp(server.url, server.adminToken, 'default/kept', 'v1', 'kept'));
    for (const digest of kept) writtenAgo(digest, 2 * hour);
    // A layer pushed a minute ago whose manifest is still to come, and an upload half done.
    young = await pushBlob('default/young', Buffer.from('a layer pushed a minute ago'));
    writtenAgo(young, 60_000);
    inFlight = (await fetch(`${server.url}/v2/default/young/blobs/uploads/`, { method: 'POST', headers: auth() })).headers.get('location')!;
    assert.equal((await fetch(`${server.url}${inFlight}`, { method: 'PATCH', body: 'half of a layer, ', headers: auth() })).status, 202);
  });
  after(async () => {
    await server.stop();
  });

  it('lists blobs no Image references and older than --keep-younger-than, with sizes, in the dry run', async () => {
    const dry = await ims.run(['adm', 'prune', 'images', '--keep-younger-than=1h']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /Deleting blobs no image references \.\.\.\nBLOB +SIZE\n/);
    assert.match(dry.stdout, new RegExp(`${killedPush}\\s+300kB\n`));
    for (const digest of interruptedPrune) assert.match(dry.stdout, new RegExp(`${digest}\\s+\\d+B\n`));
    for (const digest of [...kept, young]) assert.doesNotMatch(dry.stdout, new RegExp(digest));
    assert.match(dry.stdout, /Summary: would delete 0 tag revisions, 0 images and 4 blobs \(0B of images, 30\d(\.\d+)?kB of blobs no image references\)\n/);
    assert.ok(existsSync(blobFile(killedPush)), 'a dry run deletes nothing');
  });

  it('deletes them with --confirm, and keeps referenced blobs, young ones and uploads in flight', async () => {
    const before = diskUsage(blobsDir());
    const pruned = await ims.run(['adm', 'prune', 'images', '--keep-younger-than=1h', '--confirm']);
    assert.equal(pruned.code, 0, pruned.stderr);
    for (const digest of [killedPush, ...interruptedPrune]) assert.ok(!existsSync(blobFile(digest)), `${digest} is gone from disk`);
    assert.ok(before - diskUsage(blobsDir()) >= 300_000, 'the space comes back');
    assert.equal(await blobStatus('default/killed', killedPush), 404);
    for (const digest of kept.slice(1)) assert.equal(await blobStatus('default/kept', digest), 200);
    assert.equal((await fetch(`${server.url}/v2/default/kept/manifests/v1`, { headers: auth() })).status, 200);
    assert.equal(await blobStatus('default/young', young), 200);
    assert.equal((await fetch(`${server.url}${inFlight}`, { method: 'PATCH', body: 'the other half', headers: auth() })).status, 202);
    const finished = sha256('half of a layer, the other half');
    assert.equal((await fetch(`${server.url}${inFlight}?digest=${finished}`, { method: 'PUT', headers: auth() })).status, 201);
    assert.equal(await blobStatus('default/young', finished), 200);
  });
});
