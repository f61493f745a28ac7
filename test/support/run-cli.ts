// A user's `ims` CLI with its own config file, for tests: in the test's process by default
// (cliSession), or the real bin/ims started as a user starts it (cliProcess) where a test is about
// the process itself: its exit code, a closed pipe, a terminal, signals, the shell's completion.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { CliSession } from './in-process-cli.ts';
import { LineWatcher, inProcessCli, sessionEnv } from './in-process-cli.ts';
import { imsBin } from './serve-process.ts';
import { makeTempDir } from './temp-dir.ts';

export type { CliResult, CliSession, RunOptions, RunningCli } from './in-process-cli.ts';

/** The CLI run in-process: what bin/ims does from argument parsing on, without a Node per command. */
export function cliSession(): CliSession {
  return inProcessCli();
}

/** The real bin/ims, one process per command, to completion or left running (a watch). */
export function cliProcess(): CliSession {
  const configPath = join(makeTempDir('ims-cli'), 'config.json');
  return {
    configPath,
    start: (args, options = {}) => {
      const child = spawn(imsBin, args, { env: sessionEnv(configPath, options.env), stdio: ['ignore', 'pipe', 'pipe'] });
      const output = new LineWatcher();
      child.stdout.on('data', (chunk: Buffer) => output.write(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
      const gone = new Promise<void>((resolve) =>
        child.on('exit', () => {
          output.exit();
          resolve();
        }),
      );
      return {
        nextLine: (pattern) => output.nextLine(pattern),
        whileRunning: (promise) =>
          new Promise((resolve, reject) => {
            promise.then(resolve, reject);
            void gone.then(() => reject(new Error(`the CLI exited while running; on stderr:\n${output.stderr}`)));
          }),
        async stop() {
          if (!output.exited) child.kill('SIGTERM');
          await gone;
          return output.stderr;
        },
      };
    },
    run: (args, options = {}) =>
      new Promise((resolve, reject) => {
        const child = spawn(imsBin, args, { env: sessionEnv(configPath, options.env), stdio: ['pipe', 'pipe', 'pipe'] });
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
