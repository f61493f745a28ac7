import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenService } from '../../src/auth/tokens.ts';
import { MemoryResourceStore } from '../../src/store/memory/memory-resource-store.ts';
import { objectKey } from '../../src/kube/object.ts';

describe('tokens', () => {
  it('stores only a hash, expires, and sweeps expired ones away', async () => {
    const store = new MemoryResourceStore();
    let now = Date.parse('2030-01-01T00:00:00Z');
    const tokens = new TokenService({ store, clock: { now: () => new Date(now) } });
    const short = await tokens.issue({ kind: 'user', userName: 'a' }, 60);
    const forever = await tokens.issue({ kind: 'user', userName: 'b' });
    assert.match(short, /^sha256~[\w-]{43}$/);
    assert.ok(!JSON.stringify((await store.list('')).items).includes(short.slice(7)), 'the token text is not stored');
    assert.deepEqual(await tokens.lookup(short), { kind: 'user', userName: 'a' });
    now += 61_000;
    assert.equal(await tokens.lookup(short), undefined);
    assert.equal(await tokens.sweepExpired(), 1);
    assert.equal((await store.list('oauth.openshift.io/')).items.length, 1);
    assert.deepEqual(await tokens.lookup(forever), { kind: 'user', userName: 'b' });
  });

  it('binds a service account token to the uid of the account, and issues none for a missing account', async () => {
    const store = new MemoryResourceStore();
    const tokens = new TokenService({ store, clock: { now: () => new Date() } });
    await store.create(objectKey('', 'serviceaccounts', 'team', 'ci'), { metadata: { name: 'ci', namespace: 'team', uid: 'uid-1' } });
    const token = await tokens.issue({ kind: 'serviceaccount', namespace: 'team', name: 'ci' }, 600);
    assert.deepEqual(await tokens.lookup(token), { kind: 'serviceaccount', namespace: 'team', name: 'ci', uid: 'uid-1' });
    await assert.rejects(tokens.issue({ kind: 'serviceaccount', namespace: 'team', name: 'ghost' }, 600), {
      kind: 'NotFound',
      message: 'serviceaccounts "ghost" not found',
    });
  });
});
