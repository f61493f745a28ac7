// `ims adm cluster webhook-config`: prints the MutatingWebhookConfiguration that registers this
// server's admission webhook with a cluster (for `kubectl apply -f -`). The server builds it: it
// alone knows the webhook key and the certificate it serves.
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Command } from '../command.ts';
import { CliError } from '../cli-error.ts';
import { errorFrom } from '../api-client.ts';
import { outputFlag } from '../command.ts';

export const clusterWebhookConfig: Command = {
  path: 'adm cluster webhook-config',
  summary: "Print the MutatingWebhookConfiguration that sends a cluster's pods and workloads to this server's image admission",
  usage:
    'ims adm cluster webhook-config [--service NAMESPACE/NAME[:PORT] | --url https://HOST:PORT] [--ca-bundle FILE] [--failure-policy Ignore|Fail] [-o yaml|json]',
  examples: `  # ims runs in the cluster behind the Service imagestream/imagestream (deploy/kubernetes)
  ims adm cluster webhook-config --service imagestream/imagestream:8443 | kubectl apply -f -

  # ims runs outside the cluster, reachable at this HTTPS address
  ims adm cluster webhook-config --url https://ims.example.com:8443 --ca-bundle ca.crt | kubectl apply -f -`,
  flags: [
    { name: 'service', type: 'string', help: 'the Service in front of ims serve, NAMESPACE/NAME[:PORT] (port 443 if absent)', placeholder: 'NS/NAME' },
    { name: 'url', type: 'string', help: "this server's HTTPS address as the cluster reaches it (default: its --listen-tls address)", placeholder: 'URL' },
    {
      name: 'ca-bundle',
      type: 'string',
      help: "PEM file of the CA that signed the server's certificate (default: the certificate it serves, right for a self-signed one)",
      placeholder: 'FILE',
    },
    {
      name: 'failure-policy',
      type: 'string',
      help: 'what the cluster does when ims does not answer: Ignore (admit as written) or Fail',
      placeholder: 'POLICY',
      default: 'Ignore',
    },
    outputFlag,
  ],
  async run(context) {
    const output = context.args.strings.get('output') ?? 'yaml';
    if (output !== 'yaml' && output !== 'json') throw new CliError(`--output must be yaml or json, not "${output}"`);
    const answer = await context.client().webhookConfiguration({
      service: context.args.strings.get('service'),
      url: context.args.strings.get('url'),
      failurePolicy: context.args.strings.get('failure-policy'),
    });
    if (answer.status !== 200) throw errorFrom(answer);
    const configuration = JSON.parse(answer.body.toString('utf8')) as { webhooks: { clientConfig: { caBundle?: string } }[] };
    const bundle = context.args.strings.get('ca-bundle');
    if (bundle !== undefined) {
      let pem: string;
      try {
        pem = readFileSync(bundle, 'utf8');
      } catch (error) {
        throw new CliError(`cannot read --ca-bundle ${bundle}: ${(error as Error).message}`);
      }
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new CliError(`--ca-bundle ${bundle} holds no PEM certificate`);
      for (const webhook of configuration.webhooks) webhook.clientConfig.caBundle = Buffer.from(pem).toString('base64');
    }
    context.out(output === 'json' ? `${JSON.stringify(configuration, null, 2)}\n` : stringify(configuration));
  },
};
