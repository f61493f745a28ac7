// `ims create webhook NAME --type T`: a receiver of a registry's push notifications, with a new
// random secret in a Secret of its own. The last line of the output is the URL to give the
// registry, so scripts can read it with `tail -1`.
import { randomBytes } from 'node:crypto';
import type { Command } from '../command.ts';
import type { WebhookType } from '../../kube/kinds/image.ts';
import type { ApiClient } from '../api-client.ts';
import { CliError } from '../cli-error.ts';
import { ServerError } from '../api-client.ts';
import { kinds } from '../../kube/kinds.ts';
import { signingWebhookTypes, webhookSecretKey, webhookTypes } from '../../kube/kinds/image.ts';

/** Where each sender takes the URL (and, for signing senders, the secret). */
const whereToPaste: Record<WebhookType, string> = {
  distribution: "In the registry's config.yml, under notifications.endpoints, set url to the URL below (the URL is the credential: keep it secret).",
  gitlab: "In gitlab.rb, add an endpoint to registry['notifications'] with url set to the URL below (the URL is the credential: keep it secret).",
  dockerhub: 'In Docker Hub, open the repository, Webhooks, and paste the URL below as the Webhook URL (the URL is the credential: keep it secret).',
  quay: 'In Quay, open the repository settings, Events and Notifications, add "Push to Repository" with a Webhook POST to the URL below (keep it secret).',
  harbor: 'In Harbor, open the project, Webhooks, add one for "Artifact pushed" with the URL below as its Endpoint URL (keep it secret).',
  ghcr: 'In GitHub, open the repository or organization Settings, Webhooks, add one for "Packages" events, content type application/json, with this secret and the URL below.',
  generic: 'Sign each POST of {"repository","tag","digest"} with this secret: header X-Signature-256: sha256=<HMAC-SHA256 of the body, hex>, to the URL below.',
};

const receiverLabel = 'imagestream.io/webhook';

/**
 * Writes the receiver's secret: a new Secret, or a new value in the one an earlier receiver of
 * this name left behind (a receiver deleted and made again gets a new secret, so old URLs stop).
 */
async function storeSecret(client: ApiClient, namespace: string, secretName: string, receiver: string, secret: string): Promise<string> {
  const secrets = client.resource(kinds.secrets);
  const data = { [webhookSecretKey]: Buffer.from(secret).toString('base64') };
  try {
    await secrets.create(namespace, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secretName, labels: { [receiverLabel]: receiver } },
      type: 'Opaque',
      data,
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ServerError && error.reason === 'AlreadyExists')) throw error;
  }
  const existing = await secrets.get(namespace, secretName);
  if (existing.metadata.labels?.[receiverLabel] !== receiver)
    throw new CliError(`secret "${secretName}" already exists and is not the secret of a receiver ${receiver}: delete it, or choose another NAME`);
  await secrets.update(namespace, secretName, { ...existing, data });
  return 'updated with a new secret';
}

export const createWebhook: Command = {
  path: 'create webhook',
  summary: "Create a receiver of a registry's push notifications: tags that follow a pushed image are imported at once",
  usage: `ims create webhook NAME --type ${webhookTypes.join('|')} [--registry HOST[:PORT]]`,
  examples: `  # Docker Hub tells this project when a tag is pushed; paste the last line into its webhook settings
  ims create webhook hub --type dockerhub

  # A distribution registry that pulls are made from under another name than it sees itself
  ims create webhook local --type distribution --registry registry.example.com:5000

  # The URL alone, for a script
  URL=$(ims create webhook ghcr --type ghcr | tail -1)`,
  flags: [
    { name: 'type', type: 'string', help: `the sender: ${webhookTypes.join(', ')}`, placeholder: 'TYPE' },
    {
      name: 'registry',
      type: 'string',
      help: "the registry host the sender speaks for, as this project's tags name it (default: what the payload says)",
      placeholder: 'HOST',
    },
  ],
  async run(context) {
    const name = context.args.positionals[0];
    if (!name || context.args.positionals.length > 1) throw new CliError('exactly one NAME is required');
    const type = context.args.strings.get('type');
    if (!type) throw new CliError(`--type is required: one of ${webhookTypes.join(', ')}`);
    if (!(webhookTypes as readonly string[]).includes(type)) throw new CliError(`--type must be one of ${webhookTypes.join(', ')}, not "${type}"`);
    const registry = context.args.strings.get('registry');
    const client = context.client();
    const secretName = `${name}-webhook`;
    await client.resource(kinds.imageStreamWebhooks).create(context.namespace, {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStreamWebhook',
      metadata: { name },
      spec: { type: type as WebhookType, secretRef: { name: secretName }, ...(registry ? { registry } : {}) },
    });
    const secret = randomBytes(24).toString('hex');
    let secretVerb = 'created';
    try {
      secretVerb = await storeSecret(client, context.namespace, secretName, name, secret);
    } catch (error) {
      // A receiver without its secret verifies nothing: take it back, so running the command again works.
      await client
        .resource(kinds.imageStreamWebhooks)
        .delete(context.namespace, name)
        .catch(() => undefined);
      throw error;
    }
    const signing = signingWebhookTypes.includes(type as WebhookType);
    context.out(
      [
        `imagestreamwebhook.image.openshift.io/${name} created`,
        `secret/${secretName} ${secretVerb}`,
        whereToPaste[type as WebhookType],
        ...(signing ? [`Secret: ${secret}`] : []),
        client.webhookUrl(context.namespace, name, type, signing ? undefined : secret),
      ].join('\n') + '\n',
    );
  },
};
