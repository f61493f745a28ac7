// `ims tag SOURCE DEST...` and `ims tag -d DEST...` (SPEC §3.1): point stream tags at images in
// other tags, at pinned images, or at external registries; aliases follow their source.
import type { Command, CommandContext } from '../command.ts';
import type { ImageStream, TagReference } from '../../kube/kinds/image.ts';
import { CliError } from '../cli-error.ts';
import { ServerError } from '../api-client.ts';
import { kinds } from '../../kube/kinds.ts';
import { exactReference, parseImageReference, type ImageReference } from '../../image/reference.ts';

type SourceKind = 'DockerImage' | 'ImageStreamTag' | 'ImageStreamImage';

const sourceKinds: Record<string, SourceKind> = {
  docker: 'DockerImage',
  dockerimage: 'DockerImage',
  istag: 'ImageStreamTag',
  imagestreamtag: 'ImageStreamTag',
  isimage: 'ImageStreamImage',
  imagestreamimage: 'ImageStreamImage',
};
const tagName = /^[\w][\w.-]{0,127}$/;

interface Destination {
  readonly namespace: string;
  readonly stream: string;
  readonly tag: string;
}

function parseDestination(text: string, current: string): Destination {
  const colon = text.lastIndexOf(':');
  if (colon < 0) throw new CliError(`"${text}" must be of the form <stream_name>:<tag>`);
  const tag = text.slice(colon + 1);
  const path = text.slice(0, colon).split('/');
  if (!tagName.test(tag))
    throw new CliError(
      `invalid tag "${tag}" format, tags must start with an alphanumeric character followed by alphanumeric, '.' or '-' characters, and have a maximum of 128 characters`,
    );
  if (path.length > 2 || path.some((p) => !p)) throw new CliError(`"${text}" must be of the form [<namespace>/]<stream_name>:<tag>`);
  return path.length === 2 ? { namespace: path[0], stream: path[1], tag } : { namespace: current, stream: path[0], tag };
}

const label = (d: Destination, current: string) => `${d.namespace !== current ? `${d.namespace}/` : ''}${d.stream}:${d.tag}`;

export const tag: Command = {
  path: 'tag',
  summary: 'Point image stream tags at images',
  usage: 'ims tag [--source=KIND] SOURCE DEST [DEST...] | ims tag -d DEST...',
  examples: `  # Pin ruby:prod to the image ruby:2.7 points at now
  ims tag ruby:2.7 ruby:prod

  # Make ruby:latest follow ruby:2.7 from now on
  ims tag --alias ruby:2.7 ruby:latest

  # Track an image in another registry, re-importing it periodically
  ims tag --source=docker quay.io/org/python:3.12 python:prod --scheduled

  # Remove a tag
  ims tag -d ruby:old`,
  flags: [
    { name: 'source', type: 'string', help: 'what SOURCE is: docker, istag or isimage (guessed when omitted)', placeholder: 'KIND' },
    { name: 'delete', short: 'd', type: 'bool', help: 'delete the given tags' },
    { name: 'alias', type: 'bool', help: 'follow the source tag instead of copying its current image (same stream only)' },
    { name: 'reference', type: 'bool', help: 'use the source as is, without importing it' },
    { name: 'scheduled', type: 'bool', help: 'import the external image again periodically' },
    { name: 'insecure', type: 'bool', help: 'allow importing over HTTP or unverified HTTPS' },
    { name: 'reference-policy', type: 'string', help: 'source or local: how consumers pull this tag', placeholder: 'POLICY', default: 'source' },
    { name: 'import-mode', type: 'string', help: 'Legacy or PreserveOriginal (keep the whole manifest list)', placeholder: 'MODE' },
  ],
  async run(context) {
    const { args } = context;
    const current = context.namespace;
    const importFlags = args.bools.get('scheduled') || args.bools.get('insecure');
    const importMode = args.strings.get('import-mode');
    if (args.bools.get('delete')) {
      if (args.bools.get('alias')) throw new CliError('--alias and --delete may not be both specified');
      if (args.strings.get('source')) throw new CliError('cannot specify a source kind when deleting');
      if (importFlags) throw new CliError('cannot set flags for importing images when deleting a tag');
      if (importMode) throw new CliError('cannot specify an import mode when deleting');
      if (args.positionals.length === 0) throw new CliError('at least one tag to delete is required');
      for (const text of args.positionals) await deleteTag(context, parseDestination(text, current));
      return;
    }
    if (args.positionals.length < 2) throw new CliError('a source and at least one destination are required: ims tag SOURCE DEST...');
    if (importMode !== undefined && !['', 'Legacy', 'PreserveOriginal'].includes(importMode))
      throw new CliError('valid ImportMode values are Legacy or PreserveOriginal');
    const policy = args.strings.get('reference-policy')!.toLowerCase();
    if (policy !== 'source' && policy !== 'local') throw new CliError("reference policy must be set to 'source' or 'local'");
    const [sourceText, ...destinationTexts] = args.positionals;
    const destinations = destinationTexts.map((d) => parseDestination(d, current));
    const source = await resolveSource(context, sourceText, args.strings.get('source'), Boolean(args.bools.get('alias')), destinations, Boolean(importFlags));
    for (const destination of destinations) {
      const from: NonNullable<TagReference['from']> = { kind: source.kind, name: source.name };
      const fromNamespace = source.namespace || (destination.namespace !== current ? current : '');
      if (fromNamespace && source.kind !== 'DockerImage') from.namespace = fromNamespace;
      const spec: TagReference = {
        name: destination.tag,
        from,
        reference: Boolean(args.bools.get('reference')),
        importPolicy: { insecure: Boolean(args.bools.get('insecure')), scheduled: Boolean(args.bools.get('scheduled')), ...(importMode ? { importMode } : {}) },
        referencePolicy: { type: policy === 'local' ? 'Local' : 'Source' },
        ...(source.kind === 'DockerImage' ? { generation: 0 } : {}),
      };
      await writeTag(context, destination, spec);
      const name = label(destination, current);
      if (args.bools.get('alias')) context.out(`Tag ${name} set up to track ${source.exact}.\n`);
      else if (args.bools.get('scheduled'))
        context.out(
          destination.namespace !== current
            ? `Tag ${name} set to ${source.exact} periodically.\n`
            : `Tag ${name} set to import ${source.exact} periodically.\n`,
        );
      else context.out(`Tag ${name} set to ${source.exact}.\n`);
    }
  },
};

interface ResolvedSource {
  readonly kind: SourceKind;
  readonly name: string;
  readonly namespace: string;
  readonly exact: string;
}

async function resolveSource(
  context: CommandContext,
  text: string,
  kindFlag: string | undefined,
  alias: boolean,
  destinations: readonly Destination[],
  importFlags: boolean,
): Promise<ResolvedSource> {
  let ref: ImageReference;
  try {
    ref = parseImageReference(text);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  let kind: SourceKind;
  if (kindFlag) {
    const mapped = sourceKinds[kindFlag.toLowerCase()];
    if (!mapped) throw new CliError(`invalid source "${kindFlag}": use docker, istag or isimage`);
    kind = mapped;
  } else kind = ref.registry ? 'DockerImage' : ref.id ? 'ImageStreamImage' : ref.tag ? 'ImageStreamTag' : 'DockerImage';
  if (kind === 'DockerImage') {
    if (alias) throw new CliError('cannot set a container image tag as an alias and also set import flags');
    return { kind, name: exactReference(ref), namespace: '', exact: exactReference(ref) };
  }
  if (ref.registry) throw new CliError('server in SOURCE is only allowed when providing a container image');
  if (importFlags) throw new CliError('only container images can have importing flags set');
  const namespace = ref.namespace === 'library' ? context.namespace : ref.namespace;
  const sourceNamespace = namespace || context.namespace;
  if (kind === 'ImageStreamImage') {
    if (!ref.id) throw new CliError('--source=ImageStreamImage requires a valid <name>@<id> in SOURCE');
    return { kind, name: `${ref.name}@${ref.id}`, namespace, exact: `${namespace ? `${namespace}/` : ''}${ref.name}@${ref.id}` };
  }
  if (!ref.tag) throw new CliError('--source=ImageStreamTag requires a valid <name>:<tag> in SOURCE');
  if (alias) {
    if (destinations.some((d) => d.stream !== ref.name || d.namespace !== sourceNamespace))
      throw new CliError('cannot set alias across different Image Streams');
    return { kind, name: `${ref.name}:${ref.tag}`, namespace, exact: `${namespace ? `${namespace}/` : ''}${ref.name}:${ref.tag}` };
  }
  // A permanent tag pins the source's current image.
  let stream: ImageStream;
  try {
    stream = await context.client().resource(kinds.imageStreams).get(sourceNamespace, ref.name);
  } catch (error) {
    if (error instanceof ServerError && error.status === 404)
      throw new CliError(`"${text}" is not currently pointing to an image, cannot use it as the source of a tag`);
    throw error;
  }
  const event = stream.status?.tags?.find((t) => t.tag === ref.tag)?.items?.[0];
  if (!event) throw new CliError(`"${text}" is not currently pointing to an image, cannot use it as the source of a tag`);
  if (!event.image) return { kind: 'DockerImage', name: event.dockerImageReference, namespace: '', exact: event.dockerImageReference };
  return { kind: 'ImageStreamImage', name: `${ref.name}@${event.image}`, namespace, exact: `${namespace ? `${namespace}/` : ''}${ref.name}@${event.image}` };
}

async function writeTag(context: CommandContext, destination: Destination, spec: TagReference): Promise<void> {
  const name = `${destination.stream}:${destination.tag}`;
  const body = { apiVersion: 'image.openshift.io/v1', kind: 'ImageStreamTag', metadata: { name, namespace: destination.namespace }, tag: spec };
  const tags = context.client().resource(kinds.imageStreamTags);
  try {
    await tags.update(destination.namespace, name, body);
  } catch (error) {
    if (!(error instanceof ServerError && error.status === 404)) throw error;
    await tags.create(destination.namespace, body);
  }
}

async function deleteTag(context: CommandContext, destination: Destination): Promise<void> {
  const name = `${destination.stream}:${destination.tag}`;
  try {
    await context.client().resource(kinds.imageStreamTags).delete(destination.namespace, name);
  } catch (error) {
    if (error instanceof ServerError && error.status === 404) throw new CliError(`destination tag ${destination.namespace}/${name} does not exist.`);
    throw error;
  }
  context.out(`Deleted tag ${destination.namespace}/${name}.\n`);
}
