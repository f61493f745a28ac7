// `ims whoami [-t]` and `ims logout`.
import type { Command } from '../command.ts';
import { CliError } from '../cli-error.ts';
import { removeRegistryLogins } from '../registry-credentials.ts';

export const whoami: Command = {
  path: 'whoami',
  summary: 'Show who you are logged in as',
  usage: 'ims whoami [-t] [--show-server]',
  examples: '  # Your user name\n  ims whoami\n\n  # Your token, e.g. for `podman login -p`\n  ims whoami -t',
  flags: [
    { name: 'show-token', short: 't', type: 'bool', help: 'print the token in use instead of the user name' },
    { name: 'show-server', type: 'bool', help: 'print the server in use instead of the user name' },
  ],
  async run(context) {
    if (context.args.bools.get('show-token')) {
      const token = context.args.strings.get('token') ?? (context.env.IMS_TOKEN || context.config.token);
      if (!token) throw new CliError('no token is currently in use for this session');
      context.out(`${token}\n`);
      return;
    }
    if (context.args.bools.get('show-server')) {
      context.out(`${context.client().options.server}\n`);
      return;
    }
    const user = await context.client().currentUser();
    context.out(`${user.metadata.name}\n`);
  },
};

export const logout: Command = {
  path: 'logout',
  summary: 'End the current session and forget its token',
  usage: 'ims logout',
  examples: `  # Revoke the token, and remove it from the CLI config and the files ims registry login wrote
  ims logout

  # Logged in with the bootstrap token (admin.token)? Logout forgets it here, and it stays valid:
  ims login https://127.0.0.1:8443 --token "$(cat ims-data/admin.token)"`,
  flags: [],
  async run(context) {
    const { config } = context;
    if (!config.token || !config.server) throw new CliError('You must have a token in order to logout.');
    const answer = await context.client().revokeToken();
    // skopeo and podman must not keep the token either: what `ims registry login` wrote goes too.
    const registryLogins = removeRegistryLogins(config, config.server);
    const { token: _token, tokenExpiresAt: _expiry, ...rest } = config;
    context.saveConfig({ ...rest, registryLogins });
    context.out(`Logged "${config.user ?? ''}" out on "${config.server}"\n`);
    if (isKeptBootstrapToken(answer.status, answer.body)) {
      context.out(
        "info: this was the bootstrap token of the server's admin.token: it stays valid. To replace it, stop the server and start it once with 'ims serve --reset-admin-token'.\n",
      );
    }
  },
};

/** The server keeps the bootstrap token on logout, and answers 200 with `kept: true` to say so. */
function isKeptBootstrapToken(status: number, body: Buffer): boolean {
  if (status !== 200) return false;
  try {
    return (JSON.parse(body.toString('utf8')) as { kept?: unknown }).kept === true;
  } catch {
    return false;
  }
}
