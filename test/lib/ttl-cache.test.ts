import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TtlCache } from '../../src/lib/ttl-cache.ts';
import { fakeClock } from '../support/fake-clock.ts';

describe('TtlCache', () => {
  it('keeps an answer for its TTL, then loads again', async () => {
    const clock = fakeClock();
    const cache = new TtlCache<string>({ clock, maxEntries: 10 });
    let loads = 0;
    const load = async () => `answer ${++loads}`;
    assert.equal(await cache.get('k', load, () => 1000), 'answer 1');
    clock.advance(999);
    assert.equal(await cache.get('k', load, () => 1000), 'answer 1');
    clock.advance(1);
    assert.equal(await cache.get('k', load, () => 1000), 'answer 2');
  });

  it('keeps each answer for the TTL its value asks, and none for 0', async () => {
    const clock = fakeClock();
    const cache = new TtlCache<boolean>({ clock, maxEntries: 10 });
    let loads = 0;
    const ttl = (allowed: boolean) => (allowed ? 5000 : 0);
    await cache.get('denied', async () => (loads++, false), ttl);
    await cache.get('denied', async () => (loads++, false), ttl);
    assert.equal(loads, 2);
    await cache.get('allowed', async () => (loads++, true), ttl);
    await cache.get('allowed', async () => (loads++, true), ttl);
    assert.equal(loads, 3);
  });

  it('asks once for concurrent requests of one key, and keeps no failure', async () => {
    const cache = new TtlCache<number>({ clock: fakeClock(), maxEntries: 10 });
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = async () => {
      loads++;
      await gate;
      return 7;
    };
    const both = Promise.all([cache.get('k', slow, () => 1000), cache.get('k', slow, () => 1000)]);
    release();
    assert.deepEqual(await both, [7, 7]);
    assert.equal(loads, 1);
    await assert.rejects(
      cache.get(
        'broken',
        async () => Promise.reject(new Error('down')),
        () => 1000,
      ),
    );
    assert.equal(
      await cache.get(
        'broken',
        async () => 3,
        () => 1000,
      ),
      3,
    );
  });

  it('holds at most maxEntries, dropping the oldest', async () => {
    const cache = new TtlCache<number>({ clock: fakeClock(), maxEntries: 3 });
    for (let i = 0; i < 10; i++)
      await cache.get(
        `k${i}`,
        async () => i,
        () => 60_000,
      );
    assert.equal(cache.size, 3);
    let reloaded = false;
    assert.equal(
      await cache.get(
        'k9',
        async () => ((reloaded = true), -1),
        () => 60_000,
      ),
      9,
    );
    assert.equal(reloaded, false);
    assert.equal(
      await cache.get(
        'k0',
        async () => -1,
        () => 60_000,
      ),
      -1,
    );
  });
});
