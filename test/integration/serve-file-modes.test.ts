// `ims serve` keeps its files at rest owner-only whatever the umask it starts with.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../support/serve-process.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const modeOf = (path: string) => `0${(statSync(path).mode & 0o777).toString(8)}`;

/** The log lines up to the 'serving' line: stderr may arrive after the stdout line startServer waits for. */
async function startupLogs(server: { logs(): string }): Promise<Record<string, unknown>[]> {
  for (let waited = 0; !server.logs().includes('"msg":"serving"'); waited += 20) {
    if (waited > 5000) throw new Error(`no 'serving' log line: ${server.logs()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return server
    .logs()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('ims serve files at rest', () => {
  it('creates the data dir, the store with its WAL files, the blobs and the admin token owner-only under umask 000', async () => {
    const dataDir = join(makeTempDir('ims-modes'), 'data');
    const server = await startServer([], { dataDir, umask: '000' });
    try {
      // A write, so the store's WAL files certainly exist.
      const created = await fetch(`${server.url}/api/v1/namespaces/default/secrets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'at-rest' }, stringData: { password: 'p' } }),
      });
      assert.equal(created.status, 201);
      assert.equal(modeOf(dataDir), '0700');
      for (const file of ['store.db', 'store.db-wal', 'store.db-shm', 'admin.token']) assert.equal(modeOf(join(dataDir, file)), '0600', file);
      assert.equal(modeOf(join(dataDir, 'blobs')), '0700');
      assert.ok(!(await startupLogs(server)).some((line) => line.level === 'warn'), 'a data dir it made itself needs no warning');
    } finally {
      await server.stop();
    }
  });

  it('warns at start when an existing data dir is readable by others, and leaves its mode alone', async () => {
    const dataDir = join(makeTempDir('ims-modes'), 'shared');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    const server = await startServer([], { dataDir, umask: '022' });
    try {
      const warning = (await startupLogs(server)).find((line) => line.level === 'warn');
      assert.ok(warning, 'a warning line in the JSON logs');
      assert.match(String(warning.msg), /data dir is open to other users.*chmod 700/);
      assert.equal(warning.dataDir, dataDir);
      assert.equal(warning.mode, '0755');
      assert.equal(modeOf(dataDir), '0755');
      assert.equal(modeOf(join(dataDir, 'store.db')), '0600', 'the store is owner-only even so');
    } finally {
      await server.stop();
    }
  });
});
