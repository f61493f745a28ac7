// Starts the CNCF distribution registry (Debian's docker-registry) on a free loopback port with a
// throwaway filesystem store, for interop tests and benchmarks.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './serve-process.ts';
import { makeTempDir } from './temp-dir.ts';
import { findExecutable } from './peers.ts';

export const distributionBinary = findExecutable('docker-registry');

export async function startDistribution(): Promise<{ host: string; stop: () => Promise<void> }> {
  const dir = makeTempDir('ims-distribution');
  const port = await freePort();
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${dir}/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
`,
  );
  const child = spawn(distributionBinary!, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await fetch(`http://${host}/v2/`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`docker-registry did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    host,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
