// `ims whoami [-t]` and `ims logout`.
import type { Command } from '../command.ts';
import { CliError } from '../cli-error.ts';

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
      const token = context.args.strings.get('token') ?? (process.env.IMS_TOKEN || context.config.token);
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
  examples: '  # Revoke the token and remove it from the CLI config\n  ims logout',
  flags: [],
  async run(context) {
    const { config } = context;
    if (!config.token || !config.server) throw new CliError('You must have a token in order to logout.');
    await context.client().revokeToken();
    const { token: _token, ...rest } = config;
    context.saveConfig(rest);
    context.out(`Logged "${config.user ?? ''}" out on "${config.server}"\n`);
  },
};
