// `ims serve --upload-expiry` for real: upload sessions survive a restart, and one whose last byte
// is older than the expiry is ended, its bytes deleted, when the server comes back.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { startServer } from '../support/serve-process.ts';

const sha256 = (data: string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

describe('upload expiry in ims serve', () => {
  it('ends after a restart a session idle for longer than --upload-expiry, and resumes the others', async () => {
    const first = await startServer();
    const auth = { authorization: `Bearer ${first.adminToken}` };
    const start = async (repository: string) =>
      (await fetch(`${first.url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: auth })).headers.get('location')!;
    const idle = await start('default/idle');
    const resumed = await start('default/resumed');
    assert.equal((await fetch(`${first.url}${idle}`, { method: 'PATCH', body: 'bytes nobody will finish', headers: auth })).status, 202);
    assert.equal((await fetch(`${first.url}${resumed}`, { method: 'PATCH', body: 'before the restart, ', headers: auth })).status, 202);
    await first.stop();
    const sessionDir = (location: string) => join(first.dataDir, 'blobs', 'uploads', location.split('/').pop()!);
    // The idle session's last byte came two hours ago, as if the server had been down that long.
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    const record = join(sessionDir(idle), 'session');
    writeFileSync(record, JSON.stringify({ ...JSON.parse(readFileSync(record, 'utf8')), updatedAt: twoHoursAgo.toISOString() }));

    const again = await startServer(['--upload-expiry', '1h'], { dataDir: first.dataDir });
    try {
      const url = (path: string) => `${again.url}${path}`;
      const deadline = Date.now() + 10_000;
      while (existsSync(sessionDir(idle)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(!existsSync(sessionDir(idle)), 'the idle session is gone from disk');
      const gone = await fetch(url(idle), { method: 'PATCH', body: 'late', headers: auth });
      assert.equal(gone.status, 404);
      assert.equal(((await gone.json()) as { errors: { code: string }[] }).errors[0].code, 'BLOB_UPLOAD_UNKNOWN');
      assert.match(again.logs(), /"msg":"expired idle upload sessions","sessions":1,"bytes":24/);

      assert.equal((await fetch(url(resumed), { method: 'PATCH', body: 'after it', headers: auth })).status, 202);
      const digest = sha256('before the restart, after it');
      assert.equal((await fetch(url(`${resumed}?digest=${digest}`), { method: 'PUT', headers: auth })).status, 201);
      assert.equal(await (await fetch(url(`/v2/default/resumed/blobs/${digest}`), { headers: auth })).text(), 'before the restart, after it');
    } finally {
      await again.stop();
    }
  });
});
