import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from '../../support/api-harness.ts';
import { putImage, startFakeUpstream } from '../../support/fake-upstream.ts';
import { ImportScheduler, scheduledTags, failedTags } from '../../../src/controllers/image-import/import-scheduler.ts';
import { RegistryBudgets } from '../../../src/importer/upstream/registry-budgets.ts';
import { MemoryResourceStore } from '../../../src/store/memory/memory-resource-store.ts';
import { silentLogger } from '../../../src/lib/logger.ts';
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
    const moving = { tag: 'moving', items: [{ created: '', dockerImageReference: 'quay.io/a/b:1', image: `sha256:${'c'.repeat(64)}`, generation: 2 }] };
    const pinnedFailed = { tag: 'pinned', items: [], conditions: [{ type: 'ImportSuccess', status: 'False', generation: 2 }] };
    assert.deepEqual(
      scheduledTags(stream(tags, [moving, pinnedFailed])).map((t) => t.name),
      ['moving', 'pinned'],
    );
    const imported = stream(tags, [
      moving,
      { tag: 'pinned', items: [{ created: '', dockerImageReference: pinned, image: `sha256:${'a'.repeat(64)}`, generation: 2 }] },
    ]);
    assert.deepEqual(
      scheduledTags(imported).map((t) => t.name),
      ['moving'],
    );
  });

  it('leaves a tag waiting for its first import to the import controller, so it is not pulled twice', () => {
    const tags = [{ name: 'new', from: { kind: 'DockerImage', name: 'quay.io/a/b:1' }, generation: 3, importPolicy: { scheduled: true } }];
    assert.deepEqual(scheduledTags(stream(tags)), []);
    const older = { tag: 'new', items: [{ created: '', dockerImageReference: 'quay.io/a/b:0', image: `sha256:${'d'.repeat(64)}`, generation: 2 }] };
    assert.deepEqual(scheduledTags(stream(tags, [older])), [], 'a changed source is a pending import too');
    const current = { ...older, items: [{ ...older.items[0], generation: 3 }] };
    assert.deepEqual(
      scheduledTags(stream(tags, [current])).map((t) => t.name),
      ['new'],
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
    // Once the import settles (two HEADs after the last GET: a whole visit that fetched nothing),
    // the next visits of the unchanged tag must be HEADs alone.
    const manifestRequests = () => upstream.requests.filter((r) => r.includes('/manifests/'));
    const awaitHeadsAfter = async (from: number, count: number) => {
      for (let i = 0; i < 600; i++) {
        const later = manifestRequests().slice(from);
        if (later.filter((r) => r.startsWith('HEAD ')).length >= count) return later;
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      assert.fail(`no ${count} HEADs of the tag within 18 s: ${manifestRequests().slice(from).join(', ')}`);
    };
    const settledFrom = manifestRequests().findLastIndex((r) => r.startsWith('GET ')) + 1;
    await awaitHeadsAfter(settledFrom, 2);
    const mark = manifestRequests().length;
    const quiet = await awaitHeadsAfter(mark, 2);
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
      let condition: { message?: string; lastTransitionTime?: string } = {};
      for (let i = 0; i < 120 && !/next attempt at/.test(condition.message ?? ''); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        condition =
          (await h.request('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreams/missing')).json.status?.tags?.[0]?.conditions?.[0] ?? {};
      }
      const noted = /^dockerimage\.image\.openshift\.io ".*\/org\/missing:v1" not found \(next attempt at (\S+)\)$/.exec(condition.message ?? '');
      assert.ok(noted, condition.message);
      // The first retry backs off 10 s from the failure it follows: never sooner than the failure, nor later than 10 s from now.
      assert.ok(Date.parse(noted[1]) > Date.parse(condition.lastTransitionTime!), `${noted[1]} after ${condition.lastTransitionTime}`);
      assert.ok(Date.parse(noted[1]) <= Date.now() + 11_000, `${noted[1]} within 10 s`);
      assert.ok(upstream.requests.filter((r) => r.includes('/org/missing/manifests/v1')).length >= 2, 'it was tried again');
    } finally {
      await upstream.stop();
      await h.server.close();
    }
  });
});

describe('scheduled imports and a rate-limit budget', () => {
  const host = 'registry-1.docker.io';
  /** A scheduler on a memory store and a clock of its own, whose registry answers are the test's. */
  const setup = async (names: readonly string[]) => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const store = new MemoryResourceStore();
    for (const name of names) {
      await store.create(`image.openshift.io/imagestreams/n/${name}`, {
        apiVersion: 'image.openshift.io/v1',
        kind: 'ImageStream',
        metadata: { name, namespace: 'n' },
        spec: { tags: [{ name: 'v1', from: { kind: 'DockerImage', name: `library/${name}:v1` }, generation: 1, importPolicy: { scheduled: true } }] },
        // Imported once already (by the import controller): what the scheduler re-checks.
        status: {
          tags: [{ tag: 'v1', items: [{ created: '', dockerImageReference: `library/${name}:v1`, image: `sha256:${'b'.repeat(64)}`, generation: 1 }] }],
        },
      });
    }
    const budgets = new RegistryBudgets({ now: () => now });
    const say = (remaining: number, extra: Record<string, string> = {}) =>
      budgets.observe(host, 'GET', {
        status: 200,
        headers: new Headers({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': `${remaining};w=21600`, ...extra }),
      });
    const checked: string[] = [];
    const imported: string[] = [];
    const deferred: { stream: string; tag: string; message: string; at: Date }[] = [];
    let left = 0;
    const events = new EventTarget();
    const scheduler = new ImportScheduler({
      store,
      intervalMs: 1000,
      maxPerMinute: 0,
      now: () => now,
      logger: silentLogger,
      budgets,
      checkTags: async (stream, tags) => {
        checked.push(stream.metadata.name);
        say(left);
        return tags.map((t) => ({ name: t.name, moved: true, manifestList: false }));
      },
      // The registry counts the manifest GET the import makes.
      importTags: async (_namespace, name) => {
        imported.push(name);
        say((left -= 1));
        events.dispatchEvent(new Event('visit'));
      },
      deferTags: async (_namespace, name, deferrals) => {
        deferred.push(...deferrals.map((d) => ({ stream: name, ...d })));
        events.dispatchEvent(new Event('visit'));
      },
    });
    const stop = new AbortController();
    const visits = (count: number) =>
      new Promise<void>((resolve) => {
        const seen = () => imported.length + deferred.length >= count && (events.removeEventListener('visit', seen), resolve());
        events.addEventListener('visit', seen);
        seen();
      });
    return {
      scheduler,
      budgets,
      checked,
      imported,
      deferred,
      visits,
      setLeft: (value: number) => say((left = value)),
      advance: (ms: number) => (now += ms),
      now: () => now,
      start: () => scheduler.run(stop.signal),
      stop: () => stop.abort(),
    };
  };
  const keyOf = (name: string) => `image.openshift.io/imagestreams/n/${name}`;
  const until = async (condition: () => boolean) => {
    for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  it('spends what is left on the streams due longest ago and defers the others until the window resets', async () => {
    const names = ['alpha', 'bravo', 'charlie', 'delta'];
    const s = await setup(names);
    try {
      s.start();
      await until(() => names.every((name) => s.scheduler.nextVisit(keyOf(name)) !== undefined));
      const byDue = [...names].sort((a, b) => s.scheduler.nextVisit(keyOf(a))! - s.scheduler.nextVisit(keyOf(b))!);
      s.setLeft(2);
      s.advance(1000);
      await s.visits(4);
      assert.deepEqual(s.imported, byDue.slice(0, 2), 'the two due first were imported, in order');
      assert.deepEqual(
        s.deferred.map((d) => d.stream),
        byDue.slice(2),
      );
      for (const deferral of s.deferred) {
        assert.equal(deferral.tag, 'v1');
        // The window was first seen a second before the visit.
        assert.match(deferral.message, /^deferred: rate limit of registry-1\.docker\.io, resets in 5h59m$/);
        // Looked at again within an interval (a HEAD is free), not only when the whole window is back.
        assert.equal(deferral.at.getTime(), s.now() + 1000);
      }
    } finally {
      s.stop();
    }
  });

  it('keeps deferred streams ahead of those due since: the next request left goes to the one that waited longest', async () => {
    const names = ['alpha', 'bravo', 'charlie', 'delta'];
    const s = await setup(names);
    try {
      s.start();
      await until(() => names.every((name) => s.scheduler.nextVisit(keyOf(name)) !== undefined));
      const byDue = [...names].sort((a, b) => s.scheduler.nextVisit(keyOf(a))! - s.scheduler.nextVisit(keyOf(b))!);
      s.setLeft(1);
      s.advance(1000);
      await s.visits(4);
      assert.deepEqual(s.imported, byDue.slice(0, 1));
      await until(() => names.every((name) => s.scheduler.nextVisit(keyOf(name))! > s.now()));
      // One more request comes back; by now every stream is due again, the imported one too.
      s.setLeft(1);
      s.advance(2000);
      await s.visits(8);
      assert.deepEqual(s.imported, byDue.slice(0, 2), 'the deferred stream due first, not the one imported a round ago');
    } finally {
      s.stop();
    }
  });

  it('says so when the quiet was asked by a host that is down (503), not by its rate limit', async () => {
    const s = await setup(['alpha']);
    try {
      s.budgets.observe(host, 'GET', { status: 503, headers: new Headers({ 'retry-after': '300' }) });
      s.start();
      await until(() => s.scheduler.nextVisit(keyOf('alpha')) !== undefined);
      s.advance(1000);
      await s.visits(1);
      assert.deepEqual(s.checked, []);
      assert.equal(s.deferred[0].message, 'deferred: registry-1.docker.io is unavailable and asked to be called again in 4m59s');
    } finally {
      s.stop();
    }
  });

  it('sends not even a HEAD to a host that asked for quiet, and tries again only once it ends', async () => {
    const s = await setup(['alpha']);
    try {
      s.budgets.observe(host, 'GET', { status: 429, headers: new Headers({ 'retry-after': '240' }) });
      s.start();
      await until(() => s.scheduler.nextVisit(keyOf('alpha')) !== undefined);
      s.advance(1000);
      await s.visits(1);
      assert.deepEqual(s.checked, []);
      assert.deepEqual(s.imported, []);
      assert.equal(s.deferred[0].message, 'deferred: rate limit of registry-1.docker.io, resets in 3m59s');
      assert.equal(s.deferred[0].at.getTime(), s.now() + 239_000);
      await until(() => s.scheduler.nextVisit(keyOf('alpha'))! > s.now());
      assert.equal(s.scheduler.nextVisit(keyOf('alpha')), s.now() + 239_000);
    } finally {
      s.stop();
    }
  });
});
