// `ims secrets link SA SECRET... [--for=pull|mount]`: lets a service account use secrets, for image
// pulls (imagePullSecrets) or mounting (secrets); `ims secrets unlink SA SECRET...` takes them away.
import type { Command } from '../command.ts';
import type { ServiceAccount } from '../../kube/kinds/core.ts';
import { outputFlag } from '../command.ts';
import { formatWritten, parseObjectFormat } from '../output/print-objects.ts';
import { CliError } from '../cli-error.ts';
import { ServerError } from '../api-client.ts';
import { kinds } from '../../kube/kinds.ts';

export const secretsLink: Command = {
  path: 'secrets link',
  summary: 'Link secrets to a service account',
  usage: 'ims secrets link SERVICE_ACCOUNT SECRET... [--for=pull|mount|pull,mount]',
  examples: `  # Let pods of the default service account pull with quay-creds
  ims secrets link default quay-creds --for=pull

  # Let builds push and pull with it
  ims secrets link builder quay-creds --for=pull,mount`,
  flags: [{ name: 'for', type: 'strings', help: 'pull (imagePullSecrets) and/or mount (secrets)', placeholder: 'pull|mount' }],
  async run(context) {
    const [account, ...secretNames] = context.args.positionals;
    if (!account || secretNames.length === 0) throw new CliError('a service account and at least one secret are required: ims secrets link SA SECRET...');
    const uses = context.args.lists.get('for') ?? ['mount'];
    for (const use of uses) if (use !== 'pull' && use !== 'mount') throw new CliError(`valid values for --for are "pull" and "mount", not "${use}"`);
    const client = context.client();
    const secrets = client.resource(kinds.secrets);
    const serviceAccounts = client.resource(kinds.serviceAccounts);
    for (const secret of secretNames) {
      try {
        await secrets.get(context.namespace, secret);
      } catch (error) {
        if (error instanceof ServerError && error.status === 404) throw new CliError(`secrets "${secret}" not found`);
        throw error;
      }
    }
    for (let attempt = 0; ; attempt++) {
      const sa = await serviceAccounts.get(context.namespace, account);
      for (const secret of secretNames) {
        if (uses.includes('mount') && !sa.secrets?.some((s) => s.name === secret)) sa.secrets = [...(sa.secrets ?? []), { name: secret }];
        if (uses.includes('pull') && !sa.imagePullSecrets?.some((s) => s.name === secret))
          sa.imagePullSecrets = [...(sa.imagePullSecrets ?? []), { name: secret }];
      }
      try {
        await serviceAccounts.update(context.namespace, account, sa);
        return;
      } catch (error) {
        if (!(error instanceof ServerError && error.status === 409) || attempt >= 3) throw error;
      }
    }
  },
};

export const secretsUnlink: Command = {
  path: 'secrets unlink',
  summary: 'Detach secrets from a service account',
  usage: 'ims secrets unlink SERVICE_ACCOUNT SECRET... [-o json|yaml|name]',
  examples: `  # Pods of the default service account no longer pull (or mount) with quay-creds
  ims secrets unlink default quay-creds`,
  flags: [outputFlag],
  async run(context) {
    const [account, ...named] = context.args.positionals;
    if (!account || named.length === 0) throw new CliError('must have service account name and at least one secret name');
    const format = parseObjectFormat(context.args.strings.get('output'));
    // As oc: a secret may be named `secret/NAME` (or `secrets/NAME`), and nothing else but a secret.
    const secretNames = named.map((name) => {
      const [type, rest] = name.split('/', 2);
      if (rest === undefined) return name;
      if (type !== 'secret' && type !== 'secrets') throw new CliError(`expected resource of type secret, got "${name}"`);
      return rest;
    });
    const client = context.client();
    const serviceAccounts = client.resource(kinds.serviceAccounts);
    // The account first, as oc: a wrong account name is the error, whatever the secrets.
    let sa = await serviceAccounts.get(context.namespace, account);
    // As oc: a secret deleted since it was linked is still unlinked, and then said so.
    let missing = false;
    for (const [i, secret] of secretNames.entries()) {
      try {
        await client.resource(kinds.secrets).get(context.namespace, secret);
      } catch (error) {
        if (!(error instanceof ServerError && error.status === 404)) throw error;
        context.err(`secret "${named[i]}" not found\n`);
        missing = true;
      }
    }
    let updated: ServiceAccount;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) sa = await serviceAccounts.get(context.namespace, account);
      const mount = (sa.secrets ?? []).filter((s) => !secretNames.includes(s.name ?? ''));
      const pull = (sa.imagePullSecrets ?? []).filter((s) => !secretNames.includes(s.name ?? ''));
      if (mount.length === (sa.secrets ?? []).length && pull.length === (sa.imagePullSecrets ?? []).length)
        throw new CliError('No valid secrets found or secrets not linked to service account');
      try {
        updated = await serviceAccounts.update(context.namespace, account, { ...sa, secrets: mount, imagePullSecrets: pull });
        break;
      } catch (error) {
        if (!(error instanceof ServerError && error.status === 409) || attempt >= 3) throw error;
      }
    }
    if (missing) throw new CliError(`Unlinked deleted secrets from ${context.namespace}/${account} service account`);
    context.out(formatWritten(kinds.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', ...updated }, 'updated', format));
  },
};
