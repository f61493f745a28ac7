import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrap } from '../../src/server/bootstrap.ts';
import { TokenService } from '../../src/auth/tokens.ts';
import { MemoryResourceStore } from '../../src/store/memory/memory-resource-store.ts';
import { objectKey } from '../../src/kube/object.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { makeTempDir } from '../support/temp-dir.ts';

function setup() {
  const store = new MemoryResourceStore();
  const clock = fakeClock();
  const tokens = new TokenService({ store, clock });
  const dataDir = makeTempDir('ims-bootstrap');
  const tokenFile = join(dataDir, 'admin.token');
  return {
    store,
    tokens,
    dataDir,
    tokenFile,
    run: (resetAdminToken = false) => bootstrap({ store, tokens, clock, dataDir, resetAdminToken }),
    fileToken: () => readFileSync(tokenFile, 'utf8').trim(),
  };
}

describe('bootstrap', () => {
  it('writes a marked bootstrap token on the first start, owner-only, and keeps it on the next', async () => {
    const { tokens, tokenFile, run, fileToken } = setup();
    assert.equal(await run(), tokenFile);
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
    const first = fileToken();
    assert.equal((await tokens.find(first))?.bootstrap, true);
    assert.equal(await run(), undefined);
    assert.equal(fileToken(), first);
  });

  it('marks an admin.token issued before tokens were marked, so that logout keeps it', async () => {
    const { tokens, tokenFile, run, fileToken } = setup();
    await run();
    const legacy = await tokens.issue({ kind: 'user', userName: 'admin' });
    writeFileSync(tokenFile, legacy + '\n');
    assert.equal(await run(), undefined);
    assert.equal(fileToken(), legacy);
    assert.equal(await tokens.endSession(legacy), 'kept');
  });

  it('replaces an admin.token the store does not know (revoked by an older logout) with one that works', async () => {
    const { tokens, tokenFile, run, fileToken } = setup();
    await run();
    const revoked = fileToken();
    await tokens.revoke(revoked);
    assert.equal(await run(), tokenFile);
    assert.notEqual(fileToken(), revoked);
    assert.deepEqual(await tokens.lookup(fileToken()), { kind: 'user', userName: 'admin' });
  });

  it('on --reset-admin-token revokes every bootstrap token, and binds admin to cluster-admin again', async () => {
    const { store, tokens, tokenFile, run, fileToken } = setup();
    await run();
    const old = fileToken();
    const user = await store.get(objectKey('user.openshift.io', 'users', '', 'admin'));
    await store.update(user.key, { ...user.value, groups: ['somewhere-else'] });
    const binding = await store.get(objectKey('rbac.authorization.k8s.io', 'clusterrolebindings', '', 'cluster-admins'));
    await store.update(binding.key, { ...binding.value, subjects: [{ kind: 'User', name: 'bob' }] });
    const session = await tokens.issue({ kind: 'user', userName: 'admin' }, 3600);

    assert.equal(await run(true), tokenFile);
    assert.equal(await tokens.lookup(old), undefined, 'the old bootstrap token is revoked');
    assert.ok(await tokens.lookup(session), 'other sessions are not bootstrap tokens and stay');
    assert.equal((await tokens.find(fileToken()))?.bootstrap, true);
    assert.deepEqual((await store.get(user.key)).value.groups, ['somewhere-else', 'system:cluster-admins']);
    assert.deepEqual((await store.get(binding.key)).value.subjects, [
      { kind: 'User', name: 'bob' },
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:cluster-admins' },
    ]);
  });
});
