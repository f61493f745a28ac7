// `ims create imagestream NAME`: an empty image stream, as `oc create imagestream`, ready for pushes,
// `ims tag` and `ims import-image`.
import type { Command } from '../command.ts';
import type { ImageStream } from '../../kube/kinds/image.ts';
import { outputFlag } from '../command.ts';
import { CliError } from '../cli-error.ts';
import { kinds } from '../../kube/kinds.ts';
import { formatWritten, parseObjectFormat } from '../output/print-objects.ts';
import { dryRunFlag, isClientDryRun } from './dry-run.ts';

export const createImageStream: Command = {
  path: 'create imagestream',
  summary: 'Create an empty image stream',
  usage: 'ims create imagestream NAME [--lookup-local] [flags]',
  examples: `  # A stream to push to, or to import into
  ims create imagestream ruby

  # One that short image names in this project resolve to
  ims create imagestream ruby --lookup-local`,
  flags: [{ name: 'lookup-local', type: 'bool', help: 'let "image: NAME:TAG" in workloads of this project resolve to this stream' }, dryRunFlag, outputFlag],
  async run(context) {
    const [name, ...more] = context.args.positionals;
    if (!name || more.length > 0) throw new CliError('NAME is required: ims create imagestream NAME');
    const format = parseObjectFormat(context.args.strings.get('output'));
    const stream: ImageStream = {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name },
      spec: { lookupPolicy: { local: context.args.bools.get('lookup-local') ?? false } },
    };
    if (isClientDryRun(context)) return context.out(formatWritten(kinds.imageStreams, stream as Record<string, unknown>, 'created (dry run)', format));
    const created = await context.client().resource(kinds.imageStreams).create(context.namespace, stream);
    context.out(formatWritten(kinds.imageStreams, { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', ...created }, 'created', format));
  },
};
