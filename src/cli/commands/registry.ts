// `ims registry info` and `ims registry login`: where the integrated registry is, and credentials
// for it in the docker or containers auth file, so skopeo, podman and docker just work.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command, CommandContext } from '../command.ts';
import { CliError } from '../cli-error.ts';
import { rememberRegistryLogin, saveRegistryAuth } from '../registry-credentials.ts';

async function registryHost(context: CommandContext): Promise<string> {
  const override = context.args.strings.get('registry');
  if (override) return override;
  const info = await context.client().serverInfo();
  if (!info.registryHost) throw new CliError('the server did not say where its registry is; pass --registry HOST');
  return info.registryHost;
}

export const registryInfo: Command = {
  path: 'registry info',
  summary: "Print the integrated registry's host",
  usage: 'ims registry info',
  examples: '  # Tag an image for the registry\n  podman tag myimage "$(ims registry info)/$(ims project -q)/myimage:latest"',
  flags: [{ name: 'registry', type: 'string', help: 'use this registry host instead of asking the server', placeholder: 'HOST' }],
  async run(context) {
    context.out(`${await registryHost(context)}\n`);
  },
};

export const registryLogin: Command = {
  path: 'registry login',
  summary: 'Save credentials for the integrated registry for skopeo, podman and docker',
  usage: 'ims registry login [--to FILE] [--registry HOST]',
  examples: `  # Write to ~/.docker/config.json (or $DOCKER_CONFIG/config.json)
  ims registry login

  # Write a containers auth.json for podman and skopeo
  ims registry login --to "\${XDG_RUNTIME_DIR}/containers/auth.json"`,
  flags: [
    { name: 'to', type: 'string', help: 'the auth file to write (default: the docker config file)', placeholder: 'FILE' },
    { name: 'registry', type: 'string', help: 'the registry host to save credentials for', placeholder: 'HOST' },
  ],
  async run(context) {
    const token = context.args.strings.get('token') ?? (context.env.IMS_TOKEN || context.config.token);
    if (!token) throw new CliError("you are not logged in: run 'ims login' first");
    const host = await registryHost(context);
    const user = (await context.client().currentUser()).metadata.name;
    const file = context.args.strings.get('to') ?? join(context.env.DOCKER_CONFIG || join(context.env.HOME || homedir(), '.docker'), 'config.json');
    saveRegistryAuth(file, host, user, token);
    // Only the session's own token is renewed by `ims login` and removed by `ims logout`; a --token or $IMS_TOKEN is the caller's.
    const server = context.client().options.server;
    if (token === context.config.token && server === context.config.server)
      context.saveConfig({ ...context.config, registryLogins: rememberRegistryLogin(context.config, { file: resolve(file), host, server }) });
    context.out(`Saved credentials for ${host} into ${file}\n`);
  },
};
