import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Authenticator } from '../../src/auth/authenticator.ts';
import { TokenService, hashOf, tokenPrefix } from '../../src/auth/tokens.ts';
import { MemoryResourceStore } from '../../src/store/memory/memory-resource-store.ts';
import { formatTimestamp, objectKey } from '../../src/kube/object.ts';

describe('authenticator', () => {
  const setup = () => {
    const store = new MemoryResourceStore();
    let now = Date.parse('2030-01-01T00:00:00Z');
    const clock = { now: () => new Date(now) };
    const tokens = new TokenService({ store, clock });
    const authenticator = new Authenticator({ tokens, store, clock });
    const account = objectKey('', 'serviceaccounts', 'team', 'ci');
    const createAccount = (uid: string) =>
      store.create(account, { metadata: { name: 'ci', namespace: 'team', uid, creationTimestamp: formatTimestamp(clock.now()) } });
    return { store, tokens, authenticator, account, createAccount, later: (ms: number) => (now += ms), clock };
  };

  it('refuses a service account token once its account is deleted and re-created under the same name', async () => {
    const { store, authenticator, tokens, account, createAccount, later } = setup();
    await createAccount('uid-1');
    const token = await tokens.issue({ kind: 'serviceaccount', namespace: 'team', name: 'ci' }, 3600);
    assert.equal((await authenticator.userForToken(token))?.name, 'system:serviceaccount:team:ci');
    await store.delete(account);
    later(5_000);
    await createAccount('uid-2');
    assert.equal(await authenticator.userForToken(token), undefined);
  });

  it('keeps a token stored before tokens were bound (no uid) only while its account is as old as the token', async () => {
    const { store, authenticator, account, createAccount, later, clock } = setup();
    await createAccount('uid-1');
    later(60_000);
    // The record as this server wrote it before tokens carried the account's uid.
    const token = `${tokenPrefix}legacy-token-for-ci`;
    await store.create(objectKey('oauth.openshift.io', 'oauthaccesstokens', '', `${tokenPrefix}${hashOf(token)}`), {
      subject: { kind: 'serviceaccount', namespace: 'team', name: 'ci' },
      hash: hashOf(token),
      createdAt: clock.now().toISOString(),
    });
    assert.equal((await authenticator.userForToken(token))?.name, 'system:serviceaccount:team:ci', 'a legacy token of the account that exists still works');
    await store.delete(account);
    assert.equal(await authenticator.userForToken(token), undefined);
    later(60_000);
    await createAccount('uid-2');
    assert.equal(await authenticator.userForToken(token), undefined, 'an account created after the token does not revive it');
  });
});
