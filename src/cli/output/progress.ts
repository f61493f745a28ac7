// Progress of long CLI work, on standard error so that standard output (and -o json|yaml) stays
// the command's answer. On a terminal: one line redrawn in place (cli-progress) with the count,
// elapsed time and ETA, or elapsed time alone while waiting on one long request; it is cleared
// when the work ends. On a pipe or file: plain lines, never a control character. Both end with a
// one-line summary.
import type { WriteStream } from 'node:tty';
import type cliProgressModule from 'cli-progress';

export interface ProgressTask {
  /** What is being done, as a present participle: `importing quay.io/org/app`. */
  readonly task: string;
  /** How many items there are; undefined while waiting on something whose size is unknown. */
  readonly total?: number;
  /** On a pipe: a line for every item (`items`), one per tenth of the total (`steps`), or none until the summary (`quiet`). */
  readonly plain?: 'items' | 'steps' | 'quiet';
}

export interface Progress {
  /** Drawn live on a terminal: worth following work done elsewhere for. */
  readonly live: boolean;
  /** One more item done; `item` says which (a line on a pipe, the bar's last item on a terminal). */
  tick(item?: string): void;
  /**
   * How far work done elsewhere (the server) is, as it reports: `done` of `total`, `item` last. A
   * live line waiting with no count becomes a counted bar; nothing is written on a pipe, where
   * the command prints its items once they are known.
   */
  update(done: number, total: number, item?: string): void;
  /** Time since the start, as people read it: `850ms`, `12.3s`, `2m05s`. */
  elapsed(): string;
  /** Clears the live line and prints `summary`, if any, as the last line. */
  finish(summary?: string): void;
}

export interface ProgressOutput {
  readonly write: (text: string) => void;
  /** Standard error when it is a terminal; without it, output is plain lines. */
  readonly terminal?: WriteStream;
  readonly now?: () => number;
}

export function startProgress(output: ProgressOutput, task: ProgressTask): Progress {
  const now = output.now ?? (() => performance.now());
  const started = now();
  const elapsed = () => formatElapsed(now() - started);
  return output.terminal?.isTTY ? terminalProgress(output.terminal, output.write, task, elapsed) : plainProgress(output.write, task, elapsed);
}

export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

function plainProgress(write: (text: string) => void, { task, total, plain = 'items' }: ProgressTask, elapsed: () => string): Progress {
  let done = 0;
  let lastStep = 0;
  if (plain !== 'quiet') write(`${task}${total === undefined ? '' : ` (${total})`} ...\n`);
  return {
    live: false,
    elapsed,
    tick(item) {
      done += 1;
      if (plain === 'quiet') return;
      const counted = total === undefined ? `[${done}]` : `[${done}/${total}]`;
      if (plain === 'items') {
        write(`${counted} ${item ?? ''}`.trimEnd() + '\n');
        return;
      }
      const step = total ? Math.floor((done * 10) / total) : 0;
      if (step > lastStep || done === total) {
        lastStep = step;
        write(`${counted} ${task}, ${elapsed()}\n`);
      }
    },
    update() {},
    finish(summary) {
      if (summary) write(`${summary}\n`);
    },
  };
}

function terminalProgress(terminal: WriteStream, write: (text: string) => void, { task, total: given }: ProgressTask, elapsed: () => string): Progress {
  // Loaded only when a bar is drawn: every command imports this module, few draw on a terminal.
  const cliProgress = process.getBuiltinModule('node:module').createRequire(import.meta.url)('cli-progress') as typeof cliProgressModule;
  const draw = (counted: boolean) =>
    new cliProgress.SingleBar({
      stream: terminal,
      format: counted
        ? `${escapeFormat(task)} [{bar}] {value}/{total} | {duration_formatted} elapsed | ETA {remaining} | {item}`
        : `${escapeFormat(task)} ... {duration_formatted}`,
      barsize: 24,
      clearOnComplete: true,
      // The line is cut to the terminal's width rather than turning autowrap off, and the cursor
      // stays visible: a CLI stopped with Ctrl-C then leaves the terminal as it found it.
      linewrap: true,
      hideCursor: false,
      fps: 5,
    });
  const started = performance.now();
  // The average pace so far, over what is left: steadier than the last few items' pace for work whose items differ in size.
  const remaining = (done: number, total: number | undefined) =>
    total === undefined || done === 0 ? '?' : formatElapsed(((performance.now() - started) / done) * Math.max(0, total - done));
  let total = given;
  let done = 0;
  let bar = draw(total !== undefined);
  bar.start(total ?? 1, 0, { item: '', remaining: '?' });
  let finished = false;
  return {
    live: true,
    elapsed,
    tick(item) {
      done += 1;
      bar.increment(1, { item: item ?? '', remaining: remaining(done, total) });
    },
    update(reached, of, item) {
      if (finished) return;
      if (total === undefined) {
        // The wait gets a count: the elapsed-time line gives way to a bar that starts where the work is.
        bar.stop();
        bar = draw(true);
        bar.start(of, reached, { item: item ?? '', remaining: remaining(reached, of) });
      } else {
        bar.setTotal(of);
        bar.update(reached, { item: item ?? '', remaining: remaining(reached, of) });
      }
      total = of;
      done = reached;
    },
    finish(summary) {
      if (!finished) bar.stop();
      finished = true;
      if (summary) write(`${summary}\n`);
    },
  };
}

/** A task names registries and repositories; braces in them must not read as cli-progress tokens. */
function escapeFormat(text: string): string {
  return text.replace(/[{}]/g, '');
}
