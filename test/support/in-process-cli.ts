// Runs the `ims` CLI inside the test's process (runCli with captured output), each session with its
// own config, cache and environment handed to runCli: the same code as bin/ims from argument parsing
// on, without starting a Node per command, and runs that overlap (Promise.all, a watch left running)
// never share state. Tests of the process boundary (bin/ims itself, a closed pipe, a terminal,
// signals) use cliProcess() in run-cli.ts instead.
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/main.ts';
import { makeTempDir } from './temp-dir.ts';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Standard input: all of it for `-f -`, one line per question for prompts. */
  readonly stdin?: string;
  /** Variables set (or, with '', emptied) for this run on top of the test process's environment. */
  readonly env?: Record<string, string>;
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
  /** Stops the CLI (as SIGTERM would) and resolves with what it wrote to standard error. */
  stop(): Promise<string>;
}

/** A user's CLI: every run reads and writes this session's config file. */
export interface CliSession {
  run(args: string[], options?: RunOptions): Promise<CliResult>;
  start(args: string[], options?: RunOptions): RunningCli;
  readonly configPath: string;
}

/** The in-process session's own name, as tests written before cliSession() was in-process import it. */
export type InProcessCli = CliSession;

/** The session's environment as bin/ims would see it: the test's, with the session's config and no server or token from outside. */
export function sessionEnv(configPath: string, overrides: Record<string, string> = {}): Record<string, string | undefined> {
  return { ...process.env, IMS_CONFIG: configPath, IMS_SERVER: '', IMS_TOKEN: '', ...overrides };
}

/** Output seen line by line as it is written, for nextLine. */
export class LineWatcher {
  readonly lines: string[] = [];
  stderr = '';
  exited = false;
  private partial = '';
  private taken = 0;
  private readonly waiters = new Set<() => void>();

  write(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop()!;
    this.lines.push(...parts);
    this.wake();
  }

  exit(): void {
    this.exited = true;
    this.wake();
  }

  nextLine(pattern: RegExp): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        for (; this.taken < this.lines.length; this.taken++) {
          if (!pattern.test(this.lines[this.taken])) continue;
          this.waiters.delete(check);
          resolve(this.lines[this.taken++]);
          return;
        }
        if (this.exited) {
          this.waiters.delete(check);
          reject(new Error(`the CLI exited before printing a line matching ${pattern}; it printed:\n${this.lines.join('\n')}\nand on stderr:\n${this.stderr}`));
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** The non-terminal answer to prompts, as bin/ims reads them from a pipe: the question on stderr, one line of stdin per answer. */
function promptsFrom(stdin: string, err: (text: string) => void): CliIo['prompt'] {
  const answers = stdin.split('\n');
  return async (question) => {
    err(question);
    return (answers.shift() ?? '').replace(/\r$/, '');
  };
}

export function inProcessCli(): CliSession {
  const configPath = join(makeTempDir('ims-cli'), 'config.json');
  const io = (options: RunOptions, out: (text: string) => void, err: (text: string) => void, signal?: AbortSignal): CliIo => ({
    out,
    err,
    stdin: async () => options.stdin ?? '',
    prompt: promptsFrom(options.stdin ?? '', err),
    interactive: false,
    env: sessionEnv(configPath, options.env),
    signal,
  });
  return {
    configPath,
    async run(args, options = {}) {
      let stdout = '';
      let stderr = '';
      const code = await runCli(
        args,
        io(
          options,
          (t) => (stdout += t),
          (t) => (stderr += t),
        ),
      );
      return { code, stdout, stderr };
    },
    start(args, options = {}) {
      const output = new LineWatcher();
      const stopping = new AbortController();
      const done = runCli(
        args,
        io(
          options,
          (t) => output.write(t),
          (t) => (output.stderr += t),
          stopping.signal,
        ),
      ).finally(() => output.exit());
      return {
        nextLine: (pattern) => output.nextLine(pattern),
        whileRunning: (promise) =>
          new Promise((resolve, reject) => {
            promise.then(resolve, reject);
            void done.then(() => reject(new Error(`the CLI exited while running; on stderr:\n${output.stderr}`)));
          }),
        async stop() {
          stopping.abort();
          await done;
          return output.stderr;
        },
      };
    },
  };
}
