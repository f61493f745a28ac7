// What every CLI command is: its words, help, flags and a run function over a shared context.
import type { FlagSpec, ParsedArgs } from './args.ts';
import type { ApiClient } from './api-client.ts';
import type { CliConfig, CliEnv } from './config.ts';
import type { ResourceResolver } from './resource-resolver.ts';
import type { Progress, ProgressTask } from './output/progress.ts';

export interface CommandContext {
  readonly args: ParsedArgs;
  readonly config: CliConfig;
  /** The client for the configured (or --server) server; fails if there is none. */
  client(): ApiClient;
  /** -n, else the current project, else `default`. */
  readonly namespace: string;
  resolver(): Promise<ResourceResolver>;
  saveConfig(config: CliConfig): void;
  out(text: string): void;
  err(text: string): void;
  /** Shows the progress of long work on standard error: live on a terminal, plain lines otherwise. */
  progress(task: ProgressTask): Progress;
  /** Standard input as text (for `-f -`). */
  stdin(): Promise<string>;
  /** Whether someone at a terminal can answer `prompt`. */
  readonly interactive: boolean;
  /** Asks for a line (unechoed when `secret`); without a terminal, reads one line of standard input. */
  prompt(question: string, options: { secret: boolean }): Promise<string>;
  /** The run's environment ($IMS_TOKEN, $EDITOR, $DOCKER_CONFIG…); never read process.env in a command. */
  readonly env: CliEnv;
  /** Aborts when the run is stopped from outside; commands that run until stopped end with it. */
  readonly signal: AbortSignal;
}

export interface Command {
  /** Words that name it: `create secret docker-registry`. */
  readonly path: string;
  readonly summary: string;
  readonly usage: string;
  readonly examples: string;
  readonly flags: readonly FlagSpec[];
  run(context: CommandContext): Promise<void>;
}

export const globalFlags: readonly FlagSpec[] = [
  { name: 'server', type: 'string', help: 'the server to talk to (https://host:port)', placeholder: 'URL' },
  { name: 'token', type: 'string', help: 'bearer token for this request', placeholder: 'TOKEN' },
  { name: 'namespace', short: 'n', type: 'string', help: 'the project (namespace) to work in', placeholder: 'NAME' },
  { name: 'certificate-authority', type: 'string', help: 'CA certificate file to trust for the server', placeholder: 'FILE' },
  { name: 'insecure-skip-tls-verify', type: 'bool', help: "don't check the server's certificate (insecure)" },
  { name: 'help', short: 'h', type: 'bool', help: 'show help for this command' },
];

export const outputFlag: FlagSpec = {
  name: 'output',
  short: 'o',
  type: 'string',
  help: 'output format: json, yaml, name, wide, jsonpath=TEMPLATE',
  placeholder: 'FORMAT',
};
export const fileFlag: FlagSpec = {
  name: 'filename',
  short: 'f',
  type: 'strings',
  help: 'file with objects (YAML or JSON; - for standard input)',
  placeholder: 'FILE',
};
