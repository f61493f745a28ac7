// One server per data dir: a second `ims serve` on a data dir in use refuses to start and names the
// process that has it; a server killed with SIGKILL leaves nothing that keeps the next one out.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/serve-process.ts';

const authorized = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

describe('ims serve on a data dir in use', () => {
  it('refuses to start a second server on the data dir, naming the pid and address of the first', async () => {
    const first = await startServer();
    try {
      // A second server that did start is stopped again, so that the failure is the assertion's.
      const refusal = await startServer([], { dataDir: first.dataDir }).then(
        async (second) => `it started: ${await second.stop()}`,
        (error: Error) => error.message,
      );
      assert.match(
        refusal,
        new RegExp(`error: the data dir ${first.dataDir} is in use by another ims serve \\(pid ${first.process.pid}, serving ${first.url}\\)`),
      );
      assert.match(refusal, /stop it first, or give this server its own --data-dir/);
      const still = await fetch(`${first.url}/api/v1/namespaces`, { headers: authorized(first.adminToken) });
      assert.equal(still.status, 200, 'the first server goes on serving');
    } finally {
      await first.stop();
    }
  });

  it('lets a new server take the data dir of one killed with SIGKILL, with everything it wrote', async () => {
    const first = await startServer();
    const created = await fetch(`${first.url}/api/v1/namespaces/default/secrets`, {
      method: 'POST',
      headers: authorized(first.adminToken),
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'before-the-kill' }, stringData: { k: 'v' } }),
    });
    assert.equal(created.status, 201);
    first.process.kill('SIGKILL');
    await first.stop();
    const second = await startServer([], { dataDir: first.dataDir });
    try {
      const read = await fetch(`${second.url}/api/v1/namespaces/default/secrets/before-the-kill`, { headers: authorized(second.adminToken) });
      assert.equal(read.status, 200);
    } finally {
      await second.stop();
    }
  });

  it('lets the next server start after a clean stop', async () => {
    const first = await startServer();
    assert.equal(await first.stop(), 0);
    const second = await startServer([], { dataDir: first.dataDir });
    assert.equal(await second.stop(), 0);
  });
});
