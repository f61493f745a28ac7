// The `ims` CLI: finds the command named by the leading words, parses its flags with the global
// ones, and reports failures as `error: <message>` with exit code 1.
import type { Command, CommandContext } from './command.ts';
import type { CliConfig } from './config.ts';
import { globalFlags } from './command.ts';
import { formatFlags, parseArgs } from './args.ts';
import { loadConfig, saveConfig } from './config.ts';
import { ApiClient } from './api-client.ts';
import { ResourceResolver } from './resource-resolver.ts';
import { CliError } from './cli-error.ts';
import { startProgress } from './output/progress.ts';
import type { WriteStream } from 'node:tty';
import { login } from './commands/login.ts';
import { logout, whoami } from './commands/session.ts';
import { newProject, project, projects } from './commands/projects.ts';
import { get } from './commands/get.ts';
import { describe } from './commands/describe.ts';
import { apply, create } from './commands/create.ts';
import { deleteCommand } from './commands/delete.ts';
import { createDockerRegistrySecret, createGenericSecret, createToken } from './commands/create-secret.ts';
import { secretsLink } from './commands/secrets-link.ts';
import { addRoleToGroup, addRoleToUser } from './commands/policy.ts';
import { registryInfo, registryLogin } from './commands/registry.ts';
import { tag } from './commands/tag.ts';
import { importImage } from './commands/import-image.ts';
import { setImageLookup, setTriggers } from './commands/set.ts';
import { pruneImages } from './commands/prune.ts';
import { admBackup } from './commands/backup.ts';
import { addUsers, newGroup, removeUsers } from './commands/groups.ts';
import { authCanI } from './commands/auth.ts';

export const commands: readonly Command[] = [
  login,
  logout,
  whoami,
  newProject,
  project,
  projects,
  get,
  describe,
  create,
  apply,
  deleteCommand,
  createDockerRegistrySecret,
  createGenericSecret,
  createToken,
  secretsLink,
  addRoleToUser,
  addRoleToGroup,
  registryInfo,
  registryLogin,
  tag,
  importImage,
  setTriggers,
  setImageLookup,
  pruneImages,
  admBackup,
  newGroup,
  addUsers,
  removeUsers,
  authCanI,
];

const groups = ['create secret', 'secrets', 'policy', 'create', 'registry', 'set', 'adm prune', 'adm groups', 'adm', 'auth'];

/**
 * Moves global flags given before the command (`ims -n demo get is`, `ims --server URL whoami`) to
 * after it, where every command reads them, as oc and kubectl take them anywhere on the line.
 */
export function hoistGlobalFlags(argv: readonly string[]): string[] {
  const leading: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const token = argv[i];
    const name = token.startsWith('--') ? token.slice(2).split('=')[0] : token.startsWith('-') && token.length === 2 ? token.slice(1) : undefined;
    const flag = name === undefined ? undefined : globalFlags.find((f) => (f.name === name || f.short === name) && f.name !== 'help');
    if (!flag) break;
    leading.push(token);
    // A string flag without `=value` takes the next word as its value.
    if (flag.type === 'string' && !token.includes('=') && i + 1 < argv.length) leading.push(argv[++i]);
  }
  return leading.length === 0 ? [...argv] : [...argv.slice(i), ...leading];
}

/** Where a run writes; `terminal` is standard error when it is one, for live progress. */
export interface CliIo {
  readonly out: (t: string) => void;
  readonly err: (t: string) => void;
  readonly terminal?: WriteStream;
}

export async function runCli(
  given: readonly string[],
  io: CliIo = {
    out: (t: string) => void process.stdout.write(t),
    err: (t: string) => void process.stderr.write(t),
    terminal: process.stderr.isTTY ? process.stderr : undefined,
  },
): Promise<number> {
  const argv = hoistGlobalFlags(given);
  try {
    const words = argv.filter((a) => !a.startsWith('-'));
    const command = findCommand(argv);
    if (!command) {
      const group = groups.find((g) => g.split(' ').every((w, i) => words[i] === w) && words.length === g.split(' ').length);
      if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h' || group) {
        io.out(overview(group));
        return 0;
      }
      throw new CliError(`unknown command "${words.join(' ') || argv[0]}" for "ims"\nRun 'ims --help' for usage.`);
    }
    const rest = dropPath(argv, command.path);
    const args = parseArgs(rest, [...command.flags, ...globalFlags]);
    if (args.bools.get('help')) {
      io.out(commandHelp(command));
      return 0;
    }
    for (const warning of args.warnings) io.err(`${warning}\n`);
    await command.run(makeContext(args, io));
    return 0;
  } catch (error) {
    if (!(error as { reported?: boolean }).reported)
      io.err(`error: ${error instanceof CliError ? error.message : ((error as Error).message ?? String(error))}\n`);
    return 1;
  }
}

function findCommand(argv: readonly string[]): Command | undefined {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  let best: Command | undefined;
  for (const command of commands) {
    const path = command.path.split(' ');
    if (path.every((w, i) => words[i] === w) && (!best || path.length > best.path.split(' ').length)) best = command;
  }
  return best;
}

function dropPath(argv: readonly string[], path: string): string[] {
  return argv.slice(path.split(' ').length);
}

function makeContext(args: ReturnType<typeof parseArgs>, io: CliIo): CommandContext {
  const config: CliConfig = loadConfig();
  let resolver: Promise<ResourceResolver> | undefined;
  let client: ApiClient | undefined;
  const context: CommandContext = {
    args,
    config,
    namespace: args.strings.get('namespace') ?? config.namespace ?? 'default',
    client() {
      if (client) return client;
      const server = args.strings.get('server') ?? (process.env.IMS_SERVER || config.server);
      if (!server) throw new CliError("you are not logged in to a server: run 'ims login SERVER --token TOKEN'");
      client = new ApiClient({
        server,
        token: args.strings.get('token') ?? (process.env.IMS_TOKEN || config.token),
        certificateAuthority: args.strings.get('certificate-authority') ?? config.certificateAuthority,
        insecureSkipTlsVerify: args.bools.get('insecure-skip-tls-verify') ?? config.insecureSkipTlsVerify,
      });
      return client;
    },
    resolver: () => (resolver ??= ResourceResolver.discover(context.client())),
    saveConfig,
    out: io.out,
    err: io.err,
    progress: (task) => startProgress({ write: io.err, terminal: io.terminal }, task),
    stdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
  return context;
}

function overview(group: string | undefined): string {
  const shown = commands.filter((c) => !group || c.path.startsWith(group + ' '));
  const width = Math.max(...shown.map((c) => c.path.length)) + 3;
  return `ims: OpenShift's image streams, standalone. This client speaks oc's commands.

Usage:
  ims COMMAND [flags]

Commands:
${shown.map((c) => `  ${c.path.padEnd(width)}${c.summary}`).join('\n')}
  serve${' '.repeat(width - 5)}Run the server (see 'ims serve --help')

Global flags:
${formatFlags(globalFlags)}

Use 'ims COMMAND --help' for more about a command.
`;
}

function commandHelp(command: Command): string {
  return `${command.summary}.

Usage:
  ${command.usage}

Examples:
${command.examples}
${command.flags.length ? `\nFlags:\n${formatFlags(command.flags)}\n` : ''}
Global flags:
${formatFlags(globalFlags)}
`;
}
