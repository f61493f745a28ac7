// `ims create deployment NAME --image=IMAGE...`: a Deployment as `kubectl create deployment` makes
// it (label app=NAME, one container per image, named after the image), for image triggers and
// image lookup to act on.
import { randomBytes } from 'node:crypto';
import type { Command } from '../command.ts';
import type { Container, Deployment } from '../../kube/kinds/workloads.ts';
import { outputFlag } from '../command.ts';
import { CliError } from '../cli-error.ts';
import { kinds } from '../../kube/kinds.ts';
import { formatWritten, parseObjectFormat } from '../output/print-objects.ts';
import { dryRunFlag, isClientDryRun } from './dry-run.ts';

/** `quay.io/org/ruby:3.2` → `ruby`, as kubectl names the container; a repeated name gets a random suffix. */
export function containersFor(images: readonly string[]): Container[] {
  const taken = new Set<string>();
  return images.map((image) => {
    let name = (image.split('/').pop() ?? image).split('@')[0].split(':')[0].replace(/_/g, '-');
    if (taken.has(name)) name = `${name}-${randomBytes(3).toString('hex').slice(0, 5)}`;
    taken.add(name);
    return { name, image };
  });
}

export const createDeployment: Command = {
  path: 'create deployment',
  summary: 'Create a deployment that runs the given images',
  usage: 'ims create deployment NAME --image=IMAGE... [--replicas=N] [--port=PORT] [flags]',
  examples: `  # A deployment of one container, then make it follow an image stream tag
  ims create deployment web --image=quay.io/org/web:1.0
  ims set triggers deploy/web --from-image=web:latest -c web

  # Two containers, three replicas, as YAML without creating it
  ims create deployment shop --image=shop:latest --image=proxy:2 --replicas=3 --dry-run=client -o yaml`,
  flags: [
    { name: 'image', type: 'strings', help: 'image to run (repeat for more containers)', placeholder: 'IMAGE' },
    { name: 'replicas', short: 'r', type: 'string', help: 'number of replicas', placeholder: 'N', default: '1' },
    { name: 'port', type: 'string', help: 'port the first container exposes', placeholder: 'PORT' },
    dryRunFlag,
    outputFlag,
  ],
  async run(context) {
    const [name, ...more] = context.args.positionals;
    if (!name || more.length > 0) throw new CliError('NAME is required: ims create deployment NAME --image=IMAGE');
    const images = context.args.lists.get('image') ?? [];
    if (images.length === 0) throw new CliError('required flag(s) "image" not set');
    const replicas = Number(context.args.strings.get('replicas'));
    if (!Number.isSafeInteger(replicas) || replicas < 0)
      throw new CliError(`--replicas must be a whole number of 0 or more, not "${context.args.strings.get('replicas')}"`);
    const containers = containersFor(images);
    const port = context.args.strings.get('port');
    if (port !== undefined) {
      const number = Number(port);
      if (!Number.isInteger(number) || number < 1 || number > 65535) throw new CliError(`--port must be a port number (1-65535), not "${port}"`);
      containers[0].ports = [{ containerPort: number }];
    }
    const format = parseObjectFormat(context.args.strings.get('output'));
    const labels = { app: name };
    const deployment: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, labels },
      spec: { replicas, selector: { matchLabels: { ...labels } }, template: { metadata: { labels: { ...labels } }, spec: { containers } } },
    };
    if (isClientDryRun(context)) return context.out(formatWritten(kinds.deployments, deployment as Record<string, unknown>, 'created (dry run)', format));
    const created = await context.client().resource(kinds.deployments).create(context.namespace, deployment);
    context.out(formatWritten(kinds.deployments, { apiVersion: 'apps/v1', kind: 'Deployment', ...created }, 'created', format));
  },
};
