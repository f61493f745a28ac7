import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteResourceStore } from '../../../src/store/sqlite/sqlite-resource-store.ts';
import { describeResourceStoreContract } from '../../contracts/resource-store.contract.ts';
import { makeTempDir } from '../../support/temp-dir.ts';

describeResourceStoreContract('sqlite', {
  open: async () => new SqliteResourceStore(join(makeTempDir('ims-sqlite'), 'store.db')),
});

describe('SqliteResourceStore durability', () => {
  it('keeps what it stored across a close and reopen, and keeps counting versions', async () => {
    const path = join(makeTempDir('ims-sqlite'), 'store.db');
    const first = new SqliteResourceStore(path);
    const created = await first.create('k/a', { v: 1 });
    await first.close();
    const second = new SqliteResourceStore(path);
    assert.deepEqual((await second.get('k/a')).value, { v: 1 });
    const next = await second.create('k/b', {});
    assert.ok(BigInt(next.resourceVersion) > BigInt(created.resourceVersion));
    await second.close();
  });

  it('keeps every acknowledged write and no torn object after the writer is killed with SIGKILL', async () => {
    const path = join(makeTempDir('ims-crash'), 'store.db');
    const writer = spawn(process.execPath, [join(import.meta.dirname, '../../support/sqlite-writer.ts'), path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve, reject) => {
      writer.once('exit', () => resolve());
      writer.once('error', reject);
    });
    let acknowledged = -1;
    let buffer = '';
    writer.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) acknowledged = Number(line.split(' ')[1]);
      if (acknowledged >= 150) writer.kill('SIGKILL');
    });
    await exited;
    assert.ok(acknowledged >= 150, `writer acknowledged only ${acknowledged} writes`);
    const store = new SqliteResourceStore(path);
    for (let n = 0; n <= acknowledged; n++) {
      const item = (await store.get(`crash/items/ns/item-${n}`)).value as { n: number; payload: string; check: string };
      assert.equal(item.n, n);
      assert.equal(item.check, `${n}:${item.payload.length}`);
    }
    const all = await store.list('crash/items/');
    assert.ok(all.items.length >= acknowledged + 1);
    for (const item of all.items) assert.equal((item.value as { payload: string }).payload.length, 4096);
    assert.ok(((await store.get('crash/counter')).value as { n: number }).n >= acknowledged);
    await store.close();
  });

  it('keeps the database and its -wal and -shm files owner-only under a permissive umask, tightening ones left open', async () => {
    const modeOf = (file: string) => statSync(file).mode & 0o777;
    const previous = process.umask(0);
    try {
      const path = join(makeTempDir('ims-sqlite-modes'), 'store.db');
      const store = new SqliteResourceStore(path);
      await store.create('k/secret', { data: 'hunter2' });
      for (const file of [path, `${path}-wal`, `${path}-shm`]) assert.equal(modeOf(file).toString(8), '600', file);
      await store.close();

      const open = join(makeTempDir('ims-sqlite-modes'), 'store.db');
      writeFileSync(open, '', { mode: 0o644 });
      const reopened = new SqliteResourceStore(open);
      assert.equal(modeOf(open).toString(8), '600', 'a store file readable by others is made owner-only');
      await reopened.close();
    } finally {
      process.umask(previous);
    }
  });
});

describe('SqliteResourceStore backup', () => {
  it('copies one consistent state, owner-only and WAL-free, while writes go on', async () => {
    const dir = makeTempDir('ims-backup');
    const store = new SqliteResourceStore(join(dir, 'store.db'));
    const payload = 'x'.repeat(2048);
    for (let i = 0; i < 1000; i++) await store.create(`k/items/ns/before-${i}`, { i, payload });
    await store.create('k/counter', { n: 0 });
    let copied = false;
    // An item, then the counter that counts it: any one committed state has n or n+1 items.
    const writing = (async () => {
      for (let n = 1; !copied; n++) {
        await store.create(`k/items/ns/during-${n}`, { n, payload });
        await store.update('k/counter', { n });
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const copyPath = join(dir, 'copy.db');
    // The writer stops whether or not the backup works, so a failed backup fails the test instead of hanging it.
    const backedUp = store.backup(copyPath).finally(() => (copied = true));
    const [{ resourceVersion }] = await Promise.all([backedUp, writing]);
    await store.close();

    assert.equal(statSync(copyPath).mode & 0o777, 0o600);
    assert.equal(existsSync(`${copyPath}-wal`), false, 'a single file, ready to be a store.db');
    const copy = new SqliteResourceStore(copyPath);
    try {
      assert.equal(await copy.currentResourceVersion(), resourceVersion);
      const n = (await copy.get('k/counter')).value.n as number;
      const during = (await copy.list('k/items/ns/')).items.filter((item) => item.key.includes('during-')).length;
      assert.ok(during === n || during === n + 1, `one state: counter ${n}, ${during} items written meanwhile`);
      assert.equal((await copy.list('k/items/ns/')).items.filter((item) => item.key.includes('before-')).length, 1000);
      await assert.rejects(store.backup(copyPath), /EEXIST/, 'never overwrites a file');
    } finally {
      await copy.close();
    }
  });
});
