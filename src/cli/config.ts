// The CLI's saved session: server, token, current project, TLS trust. In ~/.ims/config.json (or
// $IMS_CONFIG), readable by its owner only because it holds a token.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './cli-error.ts';

/** One `ims registry login`: which auth file, for which registry host, with the session of which server. */
export interface RegistryLogin {
  readonly file: string;
  readonly host: string;
  readonly server: string;
}

export interface CliConfig {
  server?: string;
  token?: string;
  namespace?: string;
  user?: string;
  certificateAuthority?: string;
  insecureSkipTlsVerify?: boolean;
  /** When the token stops working (ms since the epoch), if the server said so at login. */
  tokenExpiresAt?: number;
  /** Auth files `ims registry login` wrote this session's token into. */
  registryLogins?: RegistryLogin[];
}

/** The environment a CLI run reads ($IMS_CONFIG, $IMS_TOKEN, $EDITOR…): the process's, or a test's own. */
export type CliEnv = Readonly<Record<string, string | undefined>>;

export function configPath(env: CliEnv = process.env): string {
  return env.IMS_CONFIG || join(env.HOME || homedir(), '.ims', 'config.json');
}

export function loadConfig(path: string = configPath()): CliConfig {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as CliConfig;
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

export function saveConfig(config: CliConfig, path: string = configPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
}
