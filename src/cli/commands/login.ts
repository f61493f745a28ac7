// `ims login`: stores the server, a token and TLS trust in the CLI config; with -u/-p it trades a
// password for a token through the server's OAuth endpoint, as `oc login` does.
import type { Command } from '../command.ts';
import { ApiClient } from '../api-client.ts';
import { CliError } from '../cli-error.ts';
import { describeProjects, listProjectNames } from '../project-list.ts';

export const login: Command = {
  path: 'login',
  summary: 'Log in to a server',
  usage: 'ims login [SERVER] (--token TOKEN | -u USER -p PASSWORD) [flags]',
  examples: `  # Log in as the administrator with the bootstrap token
  ims login https://127.0.0.1:8443 --token "$(cat ims-data/admin.token)" --certificate-authority tls.crt

  # Log in with a user name and password from the server's htpasswd file
  ims login https://127.0.0.1:8443 -u alice -p secret`,
  flags: [
    { name: 'username', short: 'u', type: 'string', help: 'user name', placeholder: 'USER' },
    { name: 'password', short: 'p', type: 'string', help: 'password', placeholder: 'PASSWORD' },
  ],
  async run(context) {
    const { args } = context;
    const server = normaliseServer(args.positionals[0] ?? args.strings.get('server') ?? context.config.server);
    if (!server) throw new CliError('no server given: ims login SERVER --token TOKEN');
    const tls = {
      certificateAuthority: args.strings.get('certificate-authority') ?? (server === context.config.server ? context.config.certificateAuthority : undefined),
      insecureSkipTlsVerify:
        args.bools.get('insecure-skip-tls-verify') ?? (server === context.config.server ? context.config.insecureSkipTlsVerify : undefined),
    };
    const username = args.strings.get('username');
    let token = args.strings.get('token');
    let how = 'using the token provided';
    if (username !== undefined) {
      const password = args.strings.get('password');
      if (password === undefined) throw new CliError('a password is required with -u (use -p PASSWORD)');
      token = await requestToken(new ApiClient({ server, ...tls }), username, password);
      how = '';
    }
    if (!token) throw new CliError('a token (--token) or user name and password (-u, -p) are required');
    const client = new ApiClient({ server, token, ...tls });
    const user = await client.currentUser();
    const name = user.metadata.name;
    const projects = await listProjectNames(client);
    const current =
      context.config.server === server && context.config.namespace && projects.includes(context.config.namespace)
        ? context.config.namespace
        : projects.includes('default')
          ? 'default'
          : projects[0];
    context.saveConfig({ server, token, user: name, namespace: current, ...tls });
    context.out(how ? `Logged into "${server}" as "${name}" ${how}.\n\n` : 'Login successful.\n\n');
    context.out(describeProjects(projects, current));
  },
};

function normaliseServer(server: string | undefined): string | undefined {
  if (!server) return undefined;
  const withScheme = /^https?:\/\//.test(server) ? server : `https://${server}`;
  return withScheme.replace(/\/+$/, '');
}

async function requestToken(client: ApiClient, username: string, password: string): Promise<string> {
  const response = await client.authorizeWithPassword(username, password);
  const location = response.headers.location;
  if (response.status === 302 && typeof location === 'string') {
    const token = new URLSearchParams(location.slice(location.indexOf('#') + 1)).get('access_token');
    if (token) return token;
  }
  let description = '';
  try {
    description = (JSON.parse(response.body.toString('utf8')) as { error_description?: string }).error_description ?? '';
  } catch {
    // no JSON body
  }
  if (response.status === 401) throw new CliError(description || 'Login failed (401 Unauthorized)\nVerify you have provided the correct credentials.');
  throw new CliError(description || `login failed: the server answered ${response.status}`);
}
