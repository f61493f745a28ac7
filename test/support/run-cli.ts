// Runs the real `bin/ims` CLI as a user would, with its own config file: to completion, or left
// running (a watch) with its output read line by line as it comes.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { imsBin } from './serve-process.ts';
import { makeTempDir } from './temp-dir.ts';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A CLI left running, e.g. `ims get is -w`. */
export interface RunningCli {
  /**
   * The next line of standard output, after those already taken, that matches; earlier lines that
   * do not match are passed over. Fails if the CLI exits first.
   */
  nextLine(pattern: RegExp): Promise<string>;
  /** What `promise` resolves with, or a failure if the CLI exits first. */
  whileRunning<T>(promise: Promise<T>): Promise<T>;
  /** Stops the CLI (SIGTERM) and resolves with what it wrote to standard error. */
  stop(): Promise<string>;
}

export function cliSession(): {
  run: (args: string[], options?: { stdin?: string; env?: Record<string, string> }) => Promise<CliResult>;
  start: (args: string[]) => RunningCli;
  configPath: string;
} {
  const configPath = join(makeTempDir('ims-cli'), 'config.json');
  const env = () => ({ ...process.env, IMS_CONFIG: configPath, IMS_SERVER: '', IMS_TOKEN: '' });
  return {
    configPath,
    start: (args) => {
      const child = spawn(imsBin, args, { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
      const lines: string[] = [];
      let partial = '';
      let stderr = '';
      let taken = 0;
      let exited = false;
      const waiters = new Set<() => void>();
      const wake = () => waiters.forEach((waiter) => waiter());
      child.stdout.on('data', (chunk: Buffer) => {
        const parts = (partial + chunk.toString()).split('\n');
        partial = parts.pop()!;
        lines.push(...parts);
        wake();
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const gone = new Promise<void>((resolve) =>
        child.on('exit', () => {
          exited = true;
          wake();
          resolve();
        }),
      );
      return {
        nextLine: (pattern) =>
          new Promise((resolve, reject) => {
            const check = () => {
              for (; taken < lines.length; taken++) {
                if (!pattern.test(lines[taken])) continue;
                waiters.delete(check);
                resolve(lines[taken++]);
                return;
              }
              if (exited) {
                waiters.delete(check);
                reject(new Error(`the CLI exited before printing a line matching ${pattern}; it printed:\n${lines.join('\n')}\nand on stderr:\n${stderr}`));
              }
            };
            waiters.add(check);
            check();
          }),
        whileRunning: (promise) =>
          new Promise((resolve, reject) => {
            promise.then(resolve, reject);
            void gone.then(() => reject(new Error(`the CLI exited while running; on stderr:\n${stderr}`)));
          }),
        async stop() {
          if (!exited) child.kill('SIGTERM');
          await gone;
          return stderr;
        },
      };
    },
    run: (args, options = {}) =>
      new Promise((resolve, reject) => {
        const child = spawn(imsBin, args, { env: { ...env(), ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
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
