import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrap } from '../../src/server/bootstrap.ts';
import { adminTokenHolder, notePublicHost } from '../../src/server/bootstrap-record.ts';
import { createLogger } from '../../src/lib/logger.ts';
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

  it('mints one admin token for replicas starting together on one shared store; the others name the replica that holds it', async () => {
    const store = new MemoryResourceStore();
    const clock = fakeClock();
    const tokens = new TokenService({ store, clock });
    const replicas = ['a', 'b', 'c'].map((name) => ({ identity: `host-${name}:1`, dataDir: makeTempDir(`ims-replica-${name}`) }));
    const written = await Promise.all(replicas.map((replica) => bootstrap({ store, tokens, clock, dataDir: replica.dataDir, replica })));
    const writers = written.filter((path) => path !== undefined);
    assert.equal(writers.length, 1, `one replica writes admin.token, not ${writers.length}`);
    const marked = await store.list(objectKey('oauth.openshift.io', 'oauthaccesstokens', '', ''), { filter: (value) => value.bootstrap === true });
    assert.equal(marked.items.length, 1, 'one bootstrap token is stored');
    const holder = await adminTokenHolder(store);
    assert.equal(join(holder!.dataDir, 'admin.token'), writers[0]);
    assert.equal((await tokens.find(readFileSync(writers[0]!, 'utf8').trim()))?.bootstrap, true);

    // A later start of another replica, and of the holder, mints nothing more.
    assert.equal(await bootstrap({ store, tokens, clock, dataDir: makeTempDir('ims-replica-d'), replica: { identity: 'host-d:1', dataDir: 'd' } }), undefined);
    const holderReplica = replicas.find((r) => r.identity === holder!.identity)!;
    assert.equal(await bootstrap({ store, tokens, clock, dataDir: holderReplica.dataDir, replica: holderReplica }), undefined);
    assert.equal((await store.list(objectKey('oauth.openshift.io', 'oauthaccesstokens', '', ''))).items.length, 1);
  });

  it('lets a replica mint when the bootstrap token is gone, and records who holds it after --reset-admin-token', async () => {
    const store = new MemoryResourceStore();
    const clock = fakeClock();
    const tokens = new TokenService({ store, clock });
    const first = { identity: 'host-a:1', dataDir: makeTempDir('ims-replica-a') };
    const second = { identity: 'host-b:1', dataDir: makeTempDir('ims-replica-b') };
    await bootstrap({ store, tokens, clock, dataDir: first.dataDir, replica: first });
    await tokens.revokeBootstrapTokens();
    clock.advance(60_000);
    assert.equal(await bootstrap({ store, tokens, clock, dataDir: second.dataDir, replica: second }), join(second.dataDir, 'admin.token'));
    assert.equal((await adminTokenHolder(store))?.identity, 'host-b:1');
    await bootstrap({ store, tokens, clock, dataDir: first.dataDir, replica: first, resetAdminToken: true });
    assert.equal((await adminTokenHolder(store))?.identity, 'host-a:1');
  });

  it('warns when a replica names another --public-host than the one recorded before it', async () => {
    const store = new MemoryResourceStore();
    const lines: string[] = [];
    const logger = createLogger({ write: (line) => void lines.push(line) });
    await notePublicHost(store, logger, 'registry.example.com:443', { identity: 'host-a:1', dataDir: 'a' });
    await notePublicHost(store, logger, 'registry.example.com:443', { identity: 'host-b:1', dataDir: 'b' });
    assert.equal(lines.length, 0);
    await notePublicHost(store, logger, '10.0.0.3:8080', { identity: 'host-c:1', dataDir: 'c' });
    assert.equal(lines.length, 1);
    const warning = JSON.parse(lines[0]);
    assert.equal(warning.level, 'warn');
    assert.match(warning.msg, /another --public-host/);
    assert.deepEqual([warning.publicHost, warning.recorded, warning.recordedBy], ['10.0.0.3:8080', 'registry.example.com:443', 'host-a:1']);
  });
});
