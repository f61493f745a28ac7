// `ims secrets link SA SECRET... [--for=pull|mount]`: lets a service account use secrets, for image
// pulls (imagePullSecrets) or mounting (secrets); `ims secrets unlink SA SECRET...` takes them away.
import type { Command } from '../command.ts';
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
  usage: 'ims secrets unlink SERVICE_ACCOUNT SECRET...',
  examples: `  # Pods of the default service account no longer pull (or mount) with quay-creds
  ims secrets unlink default quay-creds`,
  flags: [],
  async run(context) {
    const [account, ...secretNames] = context.args.positionals;
    if (!account || secretNames.length === 0) throw new CliError('a service account and at least one secret are required: ims secrets unlink SA SECRET...');
    const client = context.client();
    // As oc: a secret deleted since it was linked is still unlinked, and then said so.
    let missing = false;
    for (const secret of secretNames) {
      try {
        await client.resource(kinds.secrets).get(context.namespace, secret);
      } catch (error) {
        if (!(error instanceof ServerError && error.status === 404)) throw error;
        missing = true;
      }
    }
    const serviceAccounts = client.resource(kinds.serviceAccounts);
    for (let attempt = 0; ; attempt++) {
      const sa = await serviceAccounts.get(context.namespace, account);
      const mount = (sa.secrets ?? []).filter((s) => !secretNames.includes(s.name ?? ''));
      const pull = (sa.imagePullSecrets ?? []).filter((s) => !secretNames.includes(s.name ?? ''));
      if (mount.length === (sa.secrets ?? []).length && pull.length === (sa.imagePullSecrets ?? []).length)
        throw new CliError('No valid secrets found or secrets not linked to service account');
      try {
        await serviceAccounts.update(context.namespace, account, { ...sa, secrets: mount, imagePullSecrets: pull });
        break;
      } catch (error) {
        if (!(error instanceof ServerError && error.status === 409) || attempt >= 3) throw error;
      }
    }
    if (missing) throw new CliError(`Unlinked deleted secrets from ${context.namespace}/${account} service account`);
    context.out(`serviceaccount/${account} updated\n`);
  },
};
