// The `ims` CLI: finds the command named by the leading words, loads only that command, parses its
// flags with the global ones, and reports failures as `error: <message>` with exit code 1.
import type { Command, CommandContext } from './command.ts';
import type { CliConfig, CliEnv } from './config.ts';
import type { CommandEntry } from './command-table.ts';
import { globalFlags } from './command.ts';
import { formatFlags, parseArgs } from './args.ts';
import { configPath, loadConfig, saveConfig } from './config.ts';
import { ApiClient } from './api-client.ts';
import { CliError, failureLine } from './cli-error.ts';
import { commandGroups, commandTable, findCommand, groupSummaries, leadingWords } from './command-table.ts';
import { cacheDir, cachedResolver } from './discovery-cache.ts';
import { hoistGlobalFlags } from './global-flags.ts';
import { startProgress } from './output/progress.ts';
import { prompt } from './terminal-prompt.ts';
import type { WriteStream } from 'node:tty';

export { hoistGlobalFlags };

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Standard input as text; the process's by default. */
  stdin?(): Promise<string>;
  /** Standard error when it is a terminal, for live progress. */
  readonly terminal?: WriteStream;
  /** Whether someone can answer questions: standard input is a terminal. */
  readonly interactive?: boolean;
  /** Asks a question (login's user name and password); at the process's terminal by default. */
  prompt?(question: string, options: { secret: boolean }): Promise<string>;
  /**
   * What the run reads from its environment ($IMS_CONFIG, $IMS_SERVER, $IMS_TOKEN, $EDITOR,
   * $DOCKER_CONFIG, $HOME…): the process's by default. A run given its own never reads or changes
   * the process's, so runs in one process can overlap.
   */
  readonly env?: CliEnv;
  /** Stops a command that runs until stopped (`get -w`), as SIGTERM stops the process. */
  readonly signal?: AbortSignal;
}

const processIo: CliIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  terminal: process.stderr.isTTY ? process.stderr : undefined,
  // A getter: looking at process.stdin opens it, which only a command that asks should do.
  get interactive() {
    return Boolean(process.stdin.isTTY);
  },
};

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A reader that stops reading (`ims get is | head -1`) closes the pipe: ims ends at once with
 * status 0 and no stack trace, as other CLIs do, for the reader's sake.
 */
export function endQuietlyOnClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}

export async function runCli(given: readonly string[], io: CliIo = processIo): Promise<number> {
  const argv = hoistGlobalFlags(given);
  try {
    const words = leadingWords(argv);
    const entry = findCommand(argv);
    // `ims set`, `ims create secret`: a group named by more words than any command it holds.
    const group = commandGroups().find((g) => g.split(' ').every((w, i) => words[i] === w));
    if (group && (!entry || group.split(' ').length > entry.path.split(' ').length)) {
      const extra = words[group.split(' ').length];
      if (extra !== undefined) throw new CliError(`unknown command "${extra}" for "ims ${group}"\nRun 'ims ${group} --help' for usage.`);
      io.out(groupHelp(group));
      return 0;
    }
    if (!entry) {
      if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
        io.out(overview());
        return 0;
      }
      throw new CliError(`unknown command "${words.join(' ') || argv[0]}" for "ims"\nRun 'ims --help' for usage.`);
    }
    const command = await entry.load();
    const rest = argv.slice(entry.path.split(' ').length);
    // The completion scripts pass the line as typed, flags and all: words to complete, not flags to obey.
    const args = entry.hidden ? parseArgs(['--', ...rest], []) : parseArgs(rest, [...command.flags, ...globalFlags]);
    if (args.bools.get('help')) {
      io.out(commandHelp(command));
      return 0;
    }
    for (const warning of args.warnings) io.err(`${warning}\n`);
    await command.run(makeContext(args, io));
    return 0;
  } catch (error) {
    // Stopped from outside: the end a signal gives the process (128 + SIGTERM), without a message.
    if (io.signal?.aborted) return 143;
    if (!(error as { reported?: boolean }).reported) io.err(`${failureLine(error)}\n`);
    return (error as { exitCode?: number }).exitCode ?? 1;
  }
}

function makeContext(args: ReturnType<typeof parseArgs>, io: CliIo): CommandContext {
  const env = io.env ?? process.env;
  const file = configPath(env);
  const config: CliConfig = loadConfig(file);
  let client: ApiClient | undefined;
  const context: CommandContext = {
    args,
    config,
    namespace: args.strings.get('namespace') ?? config.namespace ?? 'default',
    client() {
      if (client) return client;
      const server = args.strings.get('server') ?? (env.IMS_SERVER || config.server);
      if (!server) throw new CliError("you are not logged in to a server: run 'ims login SERVER --token TOKEN'");
      client = new ApiClient({
        server,
        token: args.strings.get('token') ?? (env.IMS_TOKEN || config.token),
        certificateAuthority: args.strings.get('certificate-authority') ?? config.certificateAuthority,
        insecureSkipTlsVerify: args.bools.get('insecure-skip-tls-verify') ?? config.insecureSkipTlsVerify,
        // The saved expiry is the saved token's: a token from --token or $IMS_TOKEN has its own.
        tokenExpiresAt: (args.strings.get('token') ?? env.IMS_TOKEN) ? undefined : config.tokenExpiresAt,
        signal: io.signal,
      });
      return client;
    },
    resolver: cachedResolver(() => context.client(), Date.now, cacheDir(env)),
    saveConfig: (changed) => saveConfig(changed, file),
    out: io.out,
    err: io.err,
    progress: (task) => startProgress({ write: io.err, terminal: io.terminal }, task),
    stdin: io.stdin ?? readProcessStdin,
    get interactive() {
      return io.interactive ?? false;
    },
    prompt: io.prompt ?? prompt,
    env,
    signal: io.signal ?? new AbortController().signal,
  };
  return context;
}

function commandRows(entries: readonly { name: string; summary: string }[]): string {
  const width = Math.max(...entries.map((e) => e.name.length)) + 3;
  return entries.map((e) => `  ${e.name.padEnd(width)}${e.summary}`).join('\n');
}

function overview(): string {
  return `ims: OpenShift's image streams, standalone. This client speaks oc's commands.

Usage:
  ims COMMAND [flags]

Commands:
${commandRows([...commandTable.filter((c) => !c.hidden).map((c) => ({ name: c.path, summary: c.summary })), { name: 'serve', summary: "Run the server (see 'ims serve --help')" }])}

Global flags:
${formatFlags(globalFlags)}

Use 'ims COMMAND --help' for more about a command.
`;
}

/** A group's own commands and subgroups, one word below it, as cobra lists "Available Commands". */
function subcommandsOf(group: string): { name: string; summary: string }[] {
  const depth = group.split(' ').length + 1;
  const below = (path: string) => path.startsWith(group + ' ') && path.split(' ').length === depth;
  const commands = commandTable
    .filter((c: CommandEntry) => !c.hidden && below(c.path))
    .map((c) => ({ name: c.path.split(' ')[depth - 1], summary: c.summary }));
  const groups = commandGroups()
    .filter(below)
    .map((g) => ({ name: g.split(' ')[depth - 1], summary: groupSummaries[g] ?? '' }));
  return [...commands, ...groups].sort((a, b) => a.name.localeCompare(b.name));
}

function groupHelp(group: string): string {
  return `${groupSummaries[group] ?? `Commands under "ims ${group}"`}.

Usage:
  ims ${group} COMMAND [flags]

Available Commands:
${commandRows(subcommandsOf(group))}

Use 'ims ${group} COMMAND --help' for more about a command.
`;
}

function commandHelp(command: Command): string {
  const subcommands = commandGroups().includes(command.path) ? subcommandsOf(command.path) : [];
  return `${command.summary}.

Usage:
  ${command.usage}

Examples:
${command.examples}
${subcommands.length ? `\nAvailable Commands:\n${commandRows(subcommands)}\n` : ''}${command.flags.length ? `\nFlags:\n${formatFlags(command.flags)}\n` : ''}
Global flags:
${formatFlags(globalFlags)}
`;
}
