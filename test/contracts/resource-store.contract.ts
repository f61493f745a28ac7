// The behaviour every ResourceStore backend must show. Each backend's test file calls
// describeResourceStoreContract with a factory; nothing here knows which backend it runs.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ResourceStore, WatchEvent } from '../../src/store/resource-store.ts';
import { isAppError } from '../../src/errors.ts';

export interface StoreFactory {
  /** A new, empty store. */
  open(): Promise<ResourceStore>;
}

async function collect(iterable: AsyncIterable<WatchEvent>, count: number, signal: AbortController): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  for await (const event of iterable) {
    events.push(event);
    if (events.length === count) {
      signal.abort();
      break;
    }
  }
  return events;
}

export function describeResourceStoreContract(backend: string, factory: StoreFactory): void {
  describe(`${backend} ResourceStore contract`, () => {
    const opened: ResourceStore[] = [];
    const open = async () => {
      const store = await factory.open();
      opened.push(store);
      return store;
    };
    after(async () => {
      for (const store of opened) await store.close();
    });

    it('creates an object and reads it back with a resourceVersion', async () => {
      const store = await open();
      const created = await store.create('core/secrets/ns/a', { data: { x: '1' } });
      const read = await store.get('core/secrets/ns/a');
      assert.deepEqual(read.value, { data: { x: '1' } });
      assert.equal(read.resourceVersion, created.resourceVersion);
      assert.match(created.resourceVersion, /^[1-9]\d*$/);
    });

    it('refuses to create a key twice and keeps the first value', async () => {
      const store = await open();
      await store.create('k/one', { n: 1 });
      await assert.rejects(store.create('k/one', { n: 2 }), (e) => isAppError(e, 'AlreadyExists'));
      assert.deepEqual((await store.get('k/one')).value, { n: 1 });
    });

    it('reports NotFound for a missing key on get, update and delete', async () => {
      const store = await open();
      await assert.rejects(store.get('k/missing'), (e) => isAppError(e, 'NotFound'));
      await assert.rejects(store.update('k/missing', {}), (e) => isAppError(e, 'NotFound'));
      await assert.rejects(store.delete('k/missing'), (e) => isAppError(e, 'NotFound'));
    });

    it('gives every change a larger store-wide resourceVersion', async () => {
      const store = await open();
      const a = await store.create('k/a', {});
      const b = await store.create('k/b', {});
      const a2 = await store.update('k/a', { v: 2 });
      assert.ok(BigInt(b.resourceVersion) > BigInt(a.resourceVersion));
      assert.ok(BigInt(a2.resourceVersion) > BigInt(b.resourceVersion));
      assert.equal(await store.currentResourceVersion(), a2.resourceVersion);
    });

    it('updates only when the expected resourceVersion is current', async () => {
      const store = await open();
      const first = await store.create('k/x', { v: 1 });
      const second = await store.update('k/x', { v: 2 }, first.resourceVersion);
      await assert.rejects(store.update('k/x', { v: 3 }, first.resourceVersion), (e) => isAppError(e, 'Conflict'));
      assert.deepEqual((await store.get('k/x')).value, { v: 2 });
      await assert.rejects(store.delete('k/x', first.resourceVersion), (e) => isAppError(e, 'Conflict'));
      const removed = await store.delete('k/x', second.resourceVersion);
      assert.deepEqual(removed.value, { v: 2 });
      await assert.rejects(store.get('k/x'), (e) => isAppError(e, 'NotFound'));
    });

    it('lists by prefix in key order, in pages joined by continue tokens', async () => {
      const store = await open();
      for (const name of ['c', 'a', 'e', 'b', 'd']) await store.create(`apps/deployments/ns1/${name}`, { name });
      await store.create('apps/deployments/ns2/z', { name: 'z' });
      await store.create('apps/deploymentsx/ns1/y', { name: 'y' });
      const names: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await store.list('apps/deployments/ns1/', { limit: 2, continue: token });
        names.push(...page.items.map((i) => i.value.name as string));
        token = page.continue;
        pages += 1;
      } while (token);
      assert.deepEqual(names, ['a', 'b', 'c', 'd', 'e']);
      assert.equal(pages, 3);
      const all = await store.list('apps/deployments/');
      assert.equal(all.items.length, 6);
      assert.equal(all.continue, undefined);
    });

    it('applies a filter before the limit so that pages stay full', async () => {
      const store = await open();
      for (let i = 0; i < 10; i++) await store.create(`k/${String(i).padStart(2, '0')}`, { even: i % 2 === 0 });
      const page = await store.list('k/', { limit: 3, filter: (v) => v.even === true });
      assert.equal(page.items.length, 3);
      assert.deepEqual(
        page.items.map((i) => i.key),
        ['k/00', 'k/02', 'k/04'],
      );
      const rest = await store.list('k/', { continue: page.continue, filter: (v) => v.even === true });
      assert.deepEqual(
        rest.items.map((i) => i.key),
        ['k/06', 'k/08'],
      );
    });

    it('rejects a malformed continue token', async () => {
      const store = await open();
      await assert.rejects(store.list('k/', { continue: 'not-a-token' }), (e) => isAppError(e, 'BadRequest'));
    });

    it('watches changes after a resourceVersion, then follows new ones', async () => {
      const store = await open();
      const start = await store.create('w/ns/a', { v: 1 });
      await store.update('w/ns/a', { v: 2 });
      await store.create('other/b', {});
      const controller = new AbortController();
      const events = collect(store.watch('w/', start.resourceVersion, controller.signal), 3, controller);
      await store.create('w/ns/c', { v: 3 });
      await store.delete('w/ns/a');
      const seen = await events;
      assert.deepEqual(
        seen.map((e) => [e.type, e.key]),
        [
          ['MODIFIED', 'w/ns/a'],
          ['ADDED', 'w/ns/c'],
          ['DELETED', 'w/ns/a'],
        ],
      );
      assert.deepEqual(seen[2].value, { v: 2 });
      const versions = seen.map((e) => BigInt(e.resourceVersion));
      assert.deepEqual(
        [...versions].sort((x, y) => (x < y ? -1 : 1)),
        versions,
      );
    });

    it('answers Gone for a watch that needs history from before a compaction', async () => {
      const store = await open();
      const first = await store.create('g/a', {});
      await store.update('g/a', { v: 2 });
      const third = await store.update('g/a', { v: 3 });
      await store.compact(third.resourceVersion);
      // Following from `first` needs the change after it, which is gone. A backend may know at once
      // (sqlite) or only when the watch starts (etcd): either way it is Gone.
      await assert.rejects(
        async () => {
          const controller = new AbortController();
          try {
            for await (const _event of store.watch('g/', first.resourceVersion, controller.signal)) break;
          } finally {
            controller.abort();
          }
        },
        (e) => isAppError(e, 'Gone'),
      );
      const controller = new AbortController();
      const events = collect(store.watch('g/', third.resourceVersion, controller.signal), 1, controller);
      await store.update('g/a', { v: 4 });
      assert.deepEqual((await events)[0].value, { v: 4 });
    });

    it('loses no update among 100 concurrent updaters of one object', async () => {
      const store = await open();
      await store.create('c/counter', { count: 0, writers: [] });
      let landed = 0;
      let conflicts = 0;
      await Promise.all(
        Array.from({ length: 100 }, async (_, writer) => {
          for (;;) {
            const current = await store.get('c/counter');
            await new Promise((resolve) => setImmediate(resolve));
            const value = current.value as { count: number; writers: number[] };
            try {
              await store.update('c/counter', { count: value.count + 1, writers: [...value.writers, writer] }, current.resourceVersion);
              landed += 1;
              return;
            } catch (error) {
              assert.ok(isAppError(error, 'Conflict'), `unexpected ${String(error)}`);
              conflicts += 1;
            }
          }
        }),
      );
      const final = (await store.get('c/counter')).value as { count: number; writers: number[] };
      assert.equal(landed, 100);
      assert.equal(final.count, 100);
      assert.deepEqual(
        [...final.writers].sort((a, b) => a - b),
        Array.from({ length: 100 }, (_, i) => i),
      );
      assert.ok(conflicts > 0, 'the updaters should have raced');
    });

    it('returns copies, so a caller mutating a result cannot change the store', async () => {
      const store = await open();
      const created = await store.create('m/a', { list: [1] });
      (created.value.list as number[]).push(2);
      const read = await store.get('m/a');
      (read.value.list as number[]).push(3);
      assert.deepEqual((await store.get('m/a')).value, { list: [1] });
    });
  });
}
