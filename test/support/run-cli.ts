// Runs the real `bin/ims` CLI as a user would, with its own config file.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { imsBin } from './serve-process.ts';
import { makeTempDir } from './temp-dir.ts';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function cliSession(): { run: (args: string[], options?: { stdin?: string; env?: Record<string, string> }) => Promise<CliResult>; configPath: string } {
  const configPath = join(makeTempDir('ims-cli'), 'config.json');
  return {
    configPath,
    run: (args, options = {}) =>
      new Promise((resolve, reject) => {
        const child = spawn(imsBin, args, { env: { ...process.env, IMS_CONFIG: configPath, IMS_SERVER: '', IMS_TOKEN: '', ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('error', reject);
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(options.stdin ?? '');
      }),
  };
}
