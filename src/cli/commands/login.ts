// `ims login`: stores the server, a token and TLS trust in the CLI config; with -u/-p it trades a
// password for a token through the server's OAuth endpoint, as `oc login` does (asking for the
// password, unechoed, when -p is not given), and renews what `ims registry login` wrote.
import type { Command } from '../command.ts';
import { ApiClient } from '../api-client.ts';
import { CliError } from '../cli-error.ts';
import { describeProjects, listProjectNames } from '../project-list.ts';
import { renewRegistryLogins } from '../registry-credentials.ts';

export const login: Command = {
  path: 'login',
  summary: 'Log in to a server',
  usage: 'ims login [SERVER] (--token TOKEN | -u USER -p PASSWORD) [flags]',
  examples: `  # Log in as the administrator with the bootstrap token
  ims login https://127.0.0.1:8443 --token "$(cat ims-data/admin.token)" --certificate-authority tls.crt

  # Log in with a user name and password from the server's htpasswd file
  ims login https://127.0.0.1:8443 -u alice -p secret

  # The same, typing the password where nobody sees it
  ims login https://127.0.0.1:8443 -u alice`,
  flags: [
    { name: 'username', short: 'u', type: 'string', help: 'user name', placeholder: 'USER' },
    { name: 'password', short: 'p', type: 'string', help: 'password (asked for, unechoed, if not given)', placeholder: 'PASSWORD' },
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
    let username = args.strings.get('username');
    let token = args.strings.get('token');
    let how = 'using the token provided';
    let tokenExpiresAt: number | undefined;
    if (token === undefined && username === undefined && context.interactive) username = await context.prompt('Username: ', { secret: false });
    if (username !== undefined) {
      const password = args.strings.get('password') ?? (await context.prompt('Password: ', { secret: true }));
      // The lifetime counts from before the request: the server's runs from when it issued the token, a
      // little later, so a token the server refuses for age is always past the expiry noted here.
      const asked = Date.now();
      const granted = await requestToken(new ApiClient({ server, ...tls }), username, password);
      token = granted.token;
      tokenExpiresAt = granted.expiresInSeconds === undefined ? undefined : asked + granted.expiresInSeconds * 1000;
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
    const registryLogins = renewRegistryLogins(context.config, server, name, token);
    context.saveConfig({ server, token, user: name, namespace: current, ...tls, ...(tokenExpiresAt ? { tokenExpiresAt } : {}), registryLogins });
    context.out(how ? `Logged into "${server}" as "${name}" ${how}.\n\n` : 'Login successful.\n\n');
    context.out(describeProjects(projects, current));
  },
};

function normaliseServer(server: string | undefined): string | undefined {
  if (!server) return undefined;
  const withScheme = /^https?:\/\//.test(server) ? server : `https://${server}`;
  return withScheme.replace(/\/+$/, '');
}

async function requestToken(client: ApiClient, username: string, password: string): Promise<{ token: string; expiresInSeconds?: number }> {
  const response = await client.authorizeWithPassword(username, password);
  const location = response.headers.location;
  if (response.status === 302 && typeof location === 'string') {
    const fragment = new URLSearchParams(location.slice(location.indexOf('#') + 1));
    const token = fragment.get('access_token');
    const expiresIn = Number(fragment.get('expires_in'));
    if (token) return { token, expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined };
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
