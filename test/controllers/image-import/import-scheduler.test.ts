import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from '../../support/api-harness.ts';
import { putImage, startFakeUpstream } from '../../support/fake-upstream.ts';
import { scheduledTags, failedTags } from '../../../src/controllers/image-import/import-scheduler.ts';
import type { ImageStream } from '../../../src/image/image-stream.ts';

const stream = (tags: ImageStream['spec']['tags'], status: NonNullable<ImageStream['status']>['tags'] = []): ImageStream => ({
  metadata: { name: 's', namespace: 'n' },
  spec: { tags },
  status: { tags: status },
});

describe('which tags the scheduler visits', () => {
  it('takes scheduled DockerImage tags, and stops a digest-pinned one once imported', () => {
    const pinned = `quay.io/a/b@sha256:${'a'.repeat(64)}`;
    const tags = [
      { name: 'moving', from: { kind: 'DockerImage', name: 'quay.io/a/b:1' }, generation: 2, importPolicy: { scheduled: true } },
      { name: 'manual', from: { kind: 'DockerImage', name: 'quay.io/a/b:1' }, generation: 2, importPolicy: { scheduled: false } },
      { name: 'pinned', from: { kind: 'DockerImage', name: pinned }, generation: 2, importPolicy: { scheduled: true } },
    ];
    assert.deepEqual(
      scheduledTags(stream(tags)).map((t) => t.name),
      ['moving', 'pinned'],
    );
    const imported = stream(tags, [
      { tag: 'pinned', items: [{ created: '', dockerImageReference: pinned, image: `sha256:${'a'.repeat(64)}`, generation: 2 }] },
    ]);
    assert.deepEqual(
      scheduledTags(imported).map((t) => t.name),
      ['moving'],
    );
  });

  it('finds tags whose import failed at their current generation', () => {
    const tags = [{ name: 't', from: { kind: 'DockerImage', name: 'quay.io/a/b:1' }, generation: 3 }];
    assert.equal(failedTags(stream(tags, [{ tag: 't', items: [], conditions: [{ type: 'ImportSuccess', status: 'False', generation: 3 }] }])).length, 1);
    assert.equal(failedTags(stream(tags, [{ tag: 't', items: [], conditions: [{ type: 'ImportSuccess', status: 'False', generation: 2 }] }])).length, 0);
  });

  it('leaves out a malformed source stored before sources were validated: no retry could import it', () => {
    const tags = [{ name: 't', from: { kind: 'DockerImage', name: 'host/UPPER/Case::x' }, generation: 3, importPolicy: { scheduled: true } }];
    assert.deepEqual(failedTags(stream(tags, [{ tag: 't', items: [], conditions: [{ type: 'ImportSuccess', status: 'False', generation: 3 }] }])), []);
    assert.deepEqual(scheduledTags(stream(tags)), []);
  });
});

describe('scheduled import', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('re-imports a scheduled tag when the upstream moves, asking with HEAD only while it does not', async () => {
    const upstream = await startFakeUpstream();
    const h = await startHarness(['--import-interval', '1s']);
    cleanups.push(
      () => upstream.stop(),
      () => h.server.close(),
    );
    const first = putImage(upstream, 'org/app', 'v1', 'first');
    const set = await h.request('PUT', '/apis/image.openshift.io/v1/namespaces/default/imagestreamtags/app:v1', {
      body: { tag: { name: 'v1', from: { kind: 'DockerImage', name: `${upstream.host}/org/app:v1` }, importPolicy: { scheduled: true, insecure: true } } },
    });
    assert.equal(set.status, 200, set.text);
    const current = async () =>
      (await h.request('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreams/app')).json.status?.tags?.[0]?.items?.[0]?.image as
        string | undefined;
    for (let i = 0; i < 100 && (await current()) !== first; i++) await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(await current(), first);
    const mark = upstream.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const quiet = upstream.requests.slice(mark).filter((r) => r.includes('/manifests/'));
    assert.ok(quiet.length >= 1, 'the tag was checked');
    assert.ok(
      quiet.every((r) => r.startsWith('HEAD ')),
      `an unchanged tag costs only HEADs: ${quiet.join(', ')}`,
    );
    const second = putImage(upstream, 'org/app', 'v1', 'second');
    for (let i = 0; i < 150 && (await current()) !== second; i++) await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(await current(), second, 'the moved tag was imported within a couple of intervals');
  });
});

describe('retrying failed imports', () => {
  it('retries a failed import with backoff and says when on the condition', async () => {
    const upstream = await startFakeUpstream();
    const h = await startHarness(['--import-interval', '1m']);
    try {
      await h.request('PUT', '/apis/image.openshift.io/v1/namespaces/default/imagestreamtags/missing:v1', {
        body: { tag: { name: 'v1', from: { kind: 'DockerImage', name: `${upstream.host}/org/missing:v1` }, importPolicy: { insecure: true } } },
      });
      let message = '';
      for (let i = 0; i < 120 && !/next attempt in/.test(message); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        message =
          (await h.request('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreams/missing')).json.status?.tags?.[0]?.conditions?.[0]?.message ??
          '';
      }
      assert.match(message, /^dockerimage\.image\.openshift\.io ".*\/org\/missing:v1" not found \(next attempt in 10s\)$/);
      assert.ok(upstream.requests.filter((r) => r.includes('/org/missing/manifests/v1')).length >= 2, 'it was tried again');
    } finally {
      await upstream.stop();
      await h.server.close();
    }
  });
});
