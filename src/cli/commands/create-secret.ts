// `ims create secret docker-registry|generic`: registry credentials the importer and pull-through
// use, and plain secrets from files or literals.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command, CommandContext } from '../command.ts';
import type { Secret } from '../../kube/kinds/core.ts';
import { outputFlag } from '../command.ts';
import { CliError } from '../cli-error.ts';
import { kinds } from '../../kube/kinds.ts';

async function createSecret(context: CommandContext, secret: Secret & { metadata: { name: string } }): Promise<void> {
  await context.client().resource(kinds.secrets).create(context.namespace, secret);
  context.out(`secret/${secret.metadata.name} created\n`);
}

function secretName(context: CommandContext): string {
  const name = context.args.positionals[0];
  if (!name || context.args.positionals.length > 1) throw new CliError('exactly one NAME is required');
  return name;
}

export const createDockerRegistrySecret: Command = {
  path: 'create secret docker-registry',
  summary: 'Create a secret with credentials for a container registry',
  usage: 'ims create secret docker-registry NAME --docker-server SERVER --docker-username USER --docker-password PASSWORD [--docker-email EMAIL]',
  examples: `  # Credentials for a private registry, then let image imports and pulls use them
  ims create secret docker-registry quay-creds --docker-server quay.io --docker-username bot --docker-password s3cret
  ims secrets link default quay-creds --for=pull`,
  flags: [
    { name: 'docker-server', type: 'string', help: 'registry host (and port)', placeholder: 'SERVER', default: 'https://index.docker.io/v1/' },
    { name: 'docker-username', type: 'string', help: 'user name for the registry', placeholder: 'USER' },
    { name: 'docker-password', type: 'string', help: 'password or token for the registry', placeholder: 'PASSWORD' },
    { name: 'docker-email', type: 'string', help: 'email for the registry (optional)', placeholder: 'EMAIL' },
    outputFlag,
  ],
  async run(context) {
    const name = secretName(context);
    const server = context.args.strings.get('docker-server')!;
    const username = context.args.strings.get('docker-username');
    const password = context.args.strings.get('docker-password');
    if (!username) throw new CliError('--docker-username is required');
    if (!password) throw new CliError('--docker-password is required');
    const entry: Record<string, string> = { username, password, auth: Buffer.from(`${username}:${password}`).toString('base64') };
    const email = context.args.strings.get('docker-email');
    if (email) entry.email = email;
    const config = JSON.stringify({ auths: { [server]: entry } });
    await createSecret(context, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(config).toString('base64') },
    });
  },
};

export const createGenericSecret: Command = {
  path: 'create secret generic',
  summary: 'Create a secret from files or literal values',
  usage: 'ims create secret generic NAME [--from-file=[KEY=]PATH]... [--from-literal=KEY=VALUE]... [--type TYPE]',
  examples: `  # A secret holding a podman auth.json as a docker config
  ims create secret generic creds --from-file=.dockerconfigjson=auth.json --type=kubernetes.io/dockerconfigjson

  # Literal values
  ims create secret generic db --from-literal=user=app --from-literal=password=s3cret`,
  flags: [
    { name: 'from-file', type: 'strings', help: 'a file to include, as KEY=PATH or PATH (key: the file name)', placeholder: '[KEY=]PATH' },
    { name: 'from-literal', type: 'strings', help: 'a value to include, as KEY=VALUE', placeholder: 'KEY=VALUE' },
    { name: 'type', type: 'string', help: 'the secret type', placeholder: 'TYPE', default: 'Opaque' },
    outputFlag,
  ],
  async run(context) {
    const name = secretName(context);
    const data: Record<string, string> = {};
    for (const spec of context.args.lists.get('from-file') ?? []) {
      const eq = spec.indexOf('=');
      const [key, path] = eq > 0 ? [spec.slice(0, eq), spec.slice(eq + 1)] : [basename(spec), spec];
      let content: Buffer;
      try {
        content = readFileSync(path);
      } catch {
        throw new CliError(`error reading ${path}: no such file or directory`);
      }
      data[key] = content.toString('base64');
    }
    for (const literal of context.args.lists.get('from-literal') ?? []) {
      const eq = literal.indexOf('=');
      if (eq <= 0) throw new CliError(`invalid literal source ${literal}, expected key=value`);
      data[literal.slice(0, eq)] = Buffer.from(literal.slice(eq + 1)).toString('base64');
    }
    await createSecret(context, { apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: context.args.strings.get('type'), data });
  },
};

export const createToken: Command = {
  path: 'create token',
  summary: 'Print a new bearer token for a service account',
  usage: 'ims create token SERVICE_ACCOUNT [--duration 1h]',
  examples: `  # A token for the builder service account, e.g. to push from CI
  ims create token builder --duration 2h`,
  flags: [{ name: 'duration', type: 'string', help: 'how long the token is valid (10m to 48h)', placeholder: 'DURATION', default: '1h' }],
  async run(context) {
    const name = context.args.positionals[0];
    if (!name) throw new CliError('a service account name is required');
    const duration = context.args.strings.get('duration')!;
    const match = /^(\d+)(s|m|h)$/.exec(duration);
    if (!match) throw new CliError(`invalid duration "${duration}": use a number with s, m or h, like 30m`);
    const seconds = Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'];
    const tokens = context.client().resource(kinds.serviceAccounts).subresource('token');
    const result = await tokens.create(context.namespace, name, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: seconds },
    });
    context.out(`${result.status!.token}\n`);
  },
};
