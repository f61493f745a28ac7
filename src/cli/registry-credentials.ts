// The credentials `ims registry login` writes into docker's config.json or a containers auth.json,
// remembered in the CLI config so `ims login` can renew them and `ims logout` remove them: skopeo
// and podman then never keep a token the server has revoked. An entry someone else wrote since
// (another login to that registry) is left alone.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CliConfig, RegistryLogin } from './config.ts';
import { CliError } from './cli-error.ts';

type AuthFile = { auths?: Record<string, { auth?: string } & Record<string, unknown>> } & Record<string, unknown>;

function readAuthFile(file: string): AuthFile {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as AuthFile;
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** Whole or not at all, readable by its owner only: it holds a token. */
function writeAuthFile(file: string, content: AuthFile): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(content, null, 2) + '\n', { mode: 0o600 });
  renameSync(temp, file);
}

/** `user:token` in base64, as docker and containers auth files hold a login. */
export function authValue(user: string, token: string): string {
  return Buffer.from(`${user.replace(/:/g, '-')}:${token}`).toString('base64');
}

function holdsToken(entry: { auth?: string } | undefined, token: string | undefined): boolean {
  if (!entry?.auth || !token) return false;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1) === token;
}

export function saveRegistryAuth(file: string, host: string, user: string, token: string): void {
  const content = readAuthFile(file);
  content.auths = { ...content.auths, [host]: { auth: authValue(user, token) } };
  writeAuthFile(file, content);
}

/** The config's logins with this one (once). */
export function rememberRegistryLogin(config: CliConfig, login: RegistryLogin): RegistryLogin[] {
  const others = (config.registryLogins ?? []).filter((l) => !(l.file === login.file && l.host === login.host));
  return [...others, login];
}

/**
 * After `ims login` to `server`: the files that held the previous token of that server get the new
 * one. Returns the logins still tracked (those of other servers, and the renewed ones).
 */
export function renewRegistryLogins(config: CliConfig, server: string, user: string, newToken: string): RegistryLogin[] {
  const kept: RegistryLogin[] = [];
  for (const login of config.registryLogins ?? []) {
    if (login.server !== server) {
      kept.push(login);
      continue;
    }
    try {
      const content = readAuthFile(login.file);
      if (!holdsToken(content.auths?.[login.host], config.token)) continue;
      content.auths![login.host] = { ...content.auths![login.host], auth: authValue(user, newToken) };
      writeAuthFile(login.file, content);
      kept.push(login);
    } catch {
      // A file that went away or cannot be read is not ours to fix any more.
    }
  }
  return kept;
}

/** After `ims logout` from `server`: its token leaves the files it was written to. Returns the logins of other servers. */
export function removeRegistryLogins(config: CliConfig, server: string): RegistryLogin[] {
  const kept: RegistryLogin[] = [];
  for (const login of config.registryLogins ?? []) {
    if (login.server !== server) {
      kept.push(login);
      continue;
    }
    try {
      const content = readAuthFile(login.file);
      if (!holdsToken(content.auths?.[login.host], config.token)) continue;
      delete content.auths![login.host];
      writeAuthFile(login.file, content);
    } catch {
      // As above: nothing of ours left to remove.
    }
  }
  return kept;
}
