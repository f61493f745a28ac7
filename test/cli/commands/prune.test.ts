// `ims adm prune images --confirm` when a push lands between the prune's reading and its deleting:
// the server is held at the moment the prune's list of image streams is answered, a push completes
// there, and then the prune goes on with what it read. What the push made stays, and the prune says
// what it kept.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { startHarness, type Harness } from '../../support/api-harness.ts';
import { inProcessCli, type InProcessCli } from '../../support/in-process-cli.ts';
import { PausingStore, writesStatusWith } from '../../support/pausing-store.ts';
import { pushImage, registryRequest } from '../../support/registry-client.ts';
import { createHttpServer } from '../../../src/server/http.ts';

describe('ims adm prune images while pushes go on', () => {
  let h: Harness;
  let store: PausingStore;
  let http: Server;
  let ims: InProcessCli;
  const shutdown = new AbortController();
  /** Runs once, after the prune's list of every image stream was read and before the prune gets it. */
  let afterStreamsListed: (() => Promise<void>) | undefined;

  before(async () => {
    store = new PausingStore();
    h = await startHarness([], { store });
    http = createHttpServer(
      async (request, requestId) => {
        const response = await h.server.handle(request, requestId);
        const hook = afterStreamsListed;
        if (!hook || request.method !== 'GET' || new URL(request.url).pathname !== '/apis/image.openshift.io/v1/imagestreams') return response;
        afterStreamsListed = undefined;
        const body = await response.arrayBuffer();
        await hook();
        return new Response(body, { status: response.status, headers: response.headers });
      },
      { shutdown: shutdown.signal },
    );
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    ims = inProcessCli();
    const login = await ims.run(['login', `http://127.0.0.1:${(http.address() as AddressInfo).port}`, '--token', h.adminToken]);
    assert.equal(login.code, 0, login.stderr);
  });
  after(async () => {
    shutdown.abort();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });

  const prune = () => ims.run(['adm', 'prune', 'images', '--keep-tag-revisions=1', '--keep-younger-than=0s', '--confirm']);
  const pulledDigest = async (repository: string, tag: string) =>
    (await registryRequest(h, 'GET', `/v2/${repository}/manifests/${tag}`)).headers.get('docker-content-digest');

  it('keeps the Image and blobs of a push that stored its Image before the prune read Images and tagged it after it read streams', async () => {
    let reachedTag!: () => void;
    const reached = new Promise<void>((resolve) => (reachedTag = resolve));
    let letTagGo!: () => void;
    const tagGate = new Promise<void>((resolve) => (letTagGo = resolve));
    store.beforeUpdate = (key, value) => {
      if (!writesStatusWith(key, value, 'busy', '"tag":"v1"')) return undefined;
      store.beforeUpdate = undefined;
      reachedTag();
      return tagGate;
    };
    const pushing = pushImage(h, 'default/busy', 'v1', 'busy');
    await reached;
    afterStreamsListed = async () => {
      letTagGo();
      assert.equal((await pushing).answer.status, 201);
    };
    const pruned = await prune();
    assert.equal(pruned.code, 0, pruned.stderr);
    const pushed = await pushing;
    assert.equal(await pulledDigest('default/busy', 'v1'), pushed.digest);
    for (const blob of [pushed.configDigest, pushed.layerDigest]) assert.equal((await registryRequest(h, 'GET', `/v2/default/busy/blobs/${blob}`)).status, 200);
    assert.match(pruned.stdout + pruned.stderr, /kept 1 images a push tagged or is recording and 3 blobs still in use/);
  });

  it('leaves alone a tag a push moved, since it read it, onto an image it removes from the older revisions', async () => {
    const first = await pushImage(h, 'default/app', 'latest', 'first');
    const second = await pushImage(h, 'default/app', 'latest', 'second');
    assert.deepEqual([first.answer.status, second.answer.status], [201, 201]);
    afterStreamsListed = async () => {
      // A rollback: the first image goes back on the tag, after the prune planned its old revision away.
      assert.equal((await pushImage(h, 'default/app', 'latest', 'first')).answer.status, 201);
    };
    const pruned = await prune();
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.equal(await pulledDigest('default/app', 'latest'), first.digest, 'the tag is where the push put it');
    const stream = (await h.request('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreams/app')).json;
    assert.deepEqual(
      stream.status.tags[0].items.map((i: { image: string }) => i.image),
      [first.digest, second.digest, first.digest],
    );
    assert.equal((await h.request('GET', `/apis/image.openshift.io/v1/images/${first.digest}`)).status, 200);
    assert.match(pruned.stdout + pruned.stderr, /kept 1 images a push tagged or is recording/);
  });
});
