// `ims secrets link SA SECRET... [--for=pull|mount]`: lets a service account use secrets, for image
// pulls (imagePullSecrets) or mounting (secrets).
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
