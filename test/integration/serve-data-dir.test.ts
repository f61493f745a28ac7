// `ims serve` with a --data-dir it cannot use ends at once with `error: …` naming the path and the
// reason, instead of hanging or printing a raw errno.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, imsBin } from '../support/serve-process.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/** Runs `ims serve` to its end; a server that hangs is killed by the guard and shows as code null. */
async function serveUntilExit(dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const port = await freePort();
  return new Promise((resolve, reject) => {
    const child = spawn(imsBin, ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('ims serve with a data dir it cannot use', () => {
  it('ends at once when the data dir cannot be created, naming the path and the reason', async () => {
    // procfs refuses every mkdir with ENOENT although the parent exists: Node's recursive mkdir loops on it forever.
    const dataDir = '/proc/ims-cannot-create/data';
    const result = await serveUntilExit(dataDir);
    assert.equal(result.code, 1, `exits 1 instead of hanging: ${result.stderr}`);
    assert.equal(
      result.stderr,
      `error: cannot create the data dir ${dataDir}: mkdir /proc/ims-cannot-create: no such file or directory; create it yourself or give --data-dir another path\n`,
    );
    assert.doesNotMatch(result.stdout, /serving/);
  });

  it('ends at once when the data dir is a file', async () => {
    const file = join(makeTempDir('ims-data-file'), 'not-a-dir');
    writeFileSync(file, 'x');
    const result = await serveUntilExit(file);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `error: the data dir ${file} is a file, not a directory; give --data-dir a directory (it is created if missing)\n`);
  });

  it('ends at once when a parent of the data dir is a file', async () => {
    const root = makeTempDir('ims-data-parent');
    mkdirSync(join(root, 'a'));
    writeFileSync(join(root, 'a', 'file'), 'x');
    const dataDir = join(root, 'a', 'file', 'data');
    const result = await serveUntilExit(dataDir);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      `error: cannot create the data dir ${dataDir}: ${join(root, 'a', 'file')} is a file, not a directory; create it yourself or give --data-dir another path\n`,
    );
  });
});
