// `ims import-image STREAM[:TAG]` (SPEC §3.2): imports tags from another registry now, printing the
// stream and the imported images as oc does.
import type { Command, CommandContext } from '../command.ts';
import type { Progress } from '../output/progress.ts';
import { outputFlag } from '../command.ts';
import { formatWritten, parseObjectFormat } from '../output/print-objects.ts';
import { importProgressAnnotation, type ImportProgress } from '../../image/bookkeeping-annotations.ts';
import type { ImageStream, ImageStreamImport, TagReference } from '../../kube/kinds/image.ts';
import { CliError } from '../cli-error.ts';
import { ServerError } from '../api-client.ts';
import { kinds } from '../../kube/kinds.ts';
import { describeImage, describeImageStream } from './describe-image.ts';
import { kindLabel } from '../resource-resolver.ts';
import { followTagReference } from '../../image/image-stream.ts';

export const importImage: Command = {
  path: 'import-image',
  summary: 'Import images from another registry into an image stream now',
  usage: 'ims import-image STREAM[:TAG] [--from PULLSPEC] [--confirm] [--all] [-o json|yaml|name] [flags]',
  examples: `  # Create the stream "python" and import python:3.12 into it
  ims import-image python:3.12 --from=quay.io/org/python:3.12 --confirm

  # Import a tag again (its source is already known)
  ims import-image python:3.12

  # Import a tag from another source from now on
  ims import-image python:3.12 --from=quay.io/other/python:3.12 --confirm

  # Import every tag of a repository (up to the server's limit, 50 by default)
  ims import-image mirror --from=registry.example.com/team/app --all --confirm

  # Keep a multi-arch image as a whole
  ims import-image app:1.0 --from=quay.io/org/app:1.0 --import-mode=PreserveOriginal --confirm`,
  flags: [
    { name: 'from', type: 'string', help: 'the pull spec to import from', placeholder: 'PULLSPEC' },
    { name: 'confirm', type: 'bool', help: 'create the stream, or change its source, if needed' },
    { name: 'all', type: 'bool', help: 'import every tag of the repository' },
    { name: 'scheduled', type: 'bool', help: 'keep re-importing the tag periodically' },
    { name: 'insecure', type: 'bool', help: 'allow HTTP and unverified HTTPS for the import' },
    { name: 'reference-policy', type: 'string', help: 'source or local: how consumers pull the tag', placeholder: 'POLICY' },
    { name: 'import-mode', type: 'string', help: 'Legacy (one platform) or PreserveOriginal (the whole list)', placeholder: 'MODE', default: 'Legacy' },
    { name: 'dry-run', type: 'bool', help: 'show what would be imported without changing the stream' },
    { ...outputFlag, help: 'print the image stream as json, yaml, name or jsonpath=TEMPLATE (and no progress) instead of the account' },
  ],
  async run(context) {
    const { args } = context;
    const target = args.positionals[0];
    if (!target) throw new CliError('you must specify the name of an image stream');
    if (target.includes('@')) throw new CliError("to import images by ID, use the 'tag' command");
    const [streamName, givenTag] = target.split(':');
    if (!/^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*$/.test(streamName) || target.split(':').length > 2) {
      throw new CliError('the image name must be a valid container image pull spec or reference to an image stream (e.g. myregistry/myteam/image:tag)');
    }
    const format = parseObjectFormat(args.strings.get('output'));
    const all = Boolean(args.bools.get('all'));
    if (givenTag && all) throw new CliError(`cannot specify a tag "${givenTag}" as well as --all`);
    const tag = givenTag || 'latest';
    // An empty --import-mode= means the documented default.
    const mode = args.strings.get('import-mode') || 'Legacy';
    if (mode !== 'Legacy' && mode !== 'PreserveOriginal') throw new CliError('valid ImportMode values are Legacy or PreserveOriginal');
    const policyText = (args.strings.get('reference-policy') ?? '').toLowerCase();
    if (policyText && policyText !== 'source' && policyText !== 'local') throw new CliError('valid reference policy values are source or local');
    const referencePolicy = { type: policyText === 'local' ? 'Local' : 'Source' };
    let stream: ImageStream | undefined;
    try {
      stream = await context.client().resource(kinds.imageStreams).get(context.namespace, streamName);
    } catch (error) {
      if (!(error instanceof ServerError && error.status === 404)) throw error;
    }
    const from = args.strings.get('from');
    const insecureFlag = args.bools.get('insecure');
    const importPolicy = (existing?: { insecure?: boolean; scheduled?: boolean }) => ({
      insecure: insecureFlag ?? Boolean(existing?.insecure || stream?.metadata.annotations?.['openshift.io/image.insecureRepository'] === 'true'),
      scheduled: Boolean(args.bools.get('scheduled') || existing?.scheduled),
      importMode: mode,
    });
    const spec: ImageStreamImport['spec'] = { import: !args.bools.get('dry-run') };
    if (!stream) {
      if (!args.bools.get('confirm')) throw new CliError(`no image stream named "${streamName}" exists, pass --confirm to create and import`);
      const source = from ?? target;
      if (all) spec.repository = { from: { kind: 'DockerImage', name: source }, importPolicy: importPolicy(), referencePolicy };
      else spec.images = [{ from: { kind: 'DockerImage', name: source }, to: { name: tag }, importPolicy: importPolicy(), referencePolicy }];
    } else if (all) {
      const source = from ?? stream.spec.dockerImageRepository;
      if (source) {
        if (stream.spec.dockerImageRepository !== source && !args.bools.get('confirm'))
          throw new CliError(
            stream.spec.dockerImageRepository
              ? `the image stream has a different import spec "${stream.spec.dockerImageRepository}", pass --confirm to update`
              : 'the image stream does not currently import an entire Docker repository, pass --confirm to update',
          );
        spec.repository = { from: { kind: 'DockerImage', name: source }, importPolicy: importPolicy(), referencePolicy };
      } else {
        const external = (stream.spec.tags ?? []).filter((t) => t.from?.kind === 'DockerImage');
        if (external.length === 0) throw new CliError('image stream does not have tags pointing to external container images');
        spec.images = external.map((t) => ({
          from: { kind: 'DockerImage', name: t.from!.name },
          to: { name: t.name },
          importPolicy: importPolicy(t.importPolicy),
          referencePolicy: t.referencePolicy ?? referencePolicy,
        }));
      }
    } else {
      const target = importedTag(stream, tag, from, Boolean(args.bools.get('confirm')));
      spec.images = [
        {
          from: { kind: 'DockerImage', name: target.source },
          to: { name: target.tag },
          importPolicy: importPolicy(target.existing?.importPolicy),
          referencePolicy: target.existing?.referencePolicy ?? referencePolicy,
        },
      ];
    }
    // The server imports in one request, which waits on other registries: the time it takes is
    // shown live, and for a repository how many of its tags the server has recorded so far.
    // With -o the output is the stream alone: no progress, no account.
    const source = spec.repository ? `every tag of ${spec.repository.from.name}` : (spec.images ?? []).map((i) => i.from.name).join(', ');
    const waiting = format ? undefined : context.progress({ task: `importing ${source}`, plain: all ? 'items' : 'quiet' });
    const following =
      waiting?.live && spec.repository && spec.import ? followImport(context, streamName, stream?.metadata.resourceVersion, waiting) : undefined;
    let answer: ImageStreamImport;
    try {
      answer = await context
        .client()
        .resource(kinds.imageStreamImports)
        .create(context.namespace, {
          apiVersion: 'image.openshift.io/v1',
          kind: 'ImageStreamImport',
          metadata: { name: streamName, ...(stream ? { resourceVersion: stream.metadata.resourceVersion } : {}) },
          spec,
        });
    } finally {
      await following?.stop();
      waiting?.finish();
    }
    const outcome = answer.status!;
    const statuses = [...(outcome.images ?? []), ...(outcome.repository?.images ?? [])];
    if (format) {
      const imported = outcome.import ?? stream;
      if (imported)
        context.out(formatWritten(kinds.imageStreams, { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', ...imported }, 'imported', format));
    } else if (all) {
      // One line per tag of a bulk import, with the count, and a summary, on stderr so that stdout stays oc's layout.
      statuses.forEach((status, i) =>
        context.err(
          `[${i + 1}/${statuses.length}] ${status.status.status === 'Success' ? 'imported' : 'failed  '} ${streamName}:${status.tag ?? ''}${status.image?.metadata?.name ? ` ${status.image.metadata.name}` : ''}\n`,
        ),
      );
      const failures = statuses.filter((s) => s.status.status !== 'Success').length;
      const skipped = outcome.repository?.additionalTags?.length ?? 0;
      context.err(
        `imported ${statuses.length - failures} of ${statuses.length} tags in ${waiting!.elapsed()}` +
          `${failures ? `, ${failures} failed` : ''}${skipped ? `; ${skipped} more tags not imported (the server's limit)` : ''}\n`,
      );
    }
    const failed = statuses.filter((s) => s.status.status !== 'Success');
    const repositoryFailed = outcome.repository && outcome.repository.status.status !== 'Success';
    const now = new Date();
    // oc prints the stream with its name printer, the operation being the whole account.
    let account = `${failed.length || repositoryFailed ? 'imported with errors' : 'imported'}${args.bools.get('dry-run') ? ' (dry run)' : ''}\n\n`;
    if (outcome.import) account += describeImageStream(outcome.import, now) + '\n';
    for (const status of statuses) if (status.image) account += describeImage(status.image, `${streamName}:${status.tag ?? ''}`, now) + '\n';
    const additional = outcome.repository?.additionalTags ?? [];
    if (additional.length)
      account += `\ninfo: The remote repository contained ${additional.length} additional tags which were not imported: ${additional.join(', ')}\n`;
    if (!format) context.out(`${kindLabel(kinds.imageStreams)}/${streamName} ${account}\n`);
    const errors = [
      ...(outcome.repository?.images ?? [])
        .filter((s) => s.status.status !== 'Success')
        .map((s) => `repository tag ${s.tag ?? ''} failed: ${s.status.message ?? ''}`),
      ...(outcome.images ?? []).filter((s) => s.status.status !== 'Success').map((s) => `tag ${s.tag ?? ''} failed: ${s.status.message ?? ''}`),
    ];
    if (repositoryFailed && !outcome.repository?.images?.length) errors.push(outcome.repository!.status.message ?? 'the repository import failed');
    for (const error of errors) context.err(`error: ${error}\n`);
    // Each failure is told above, with its tag and reason; the exit code says there was one.
    if (errors.length) throw Object.assign(new CliError(errors[0]), { reported: true });
  },
};

/**
 * Follows the stream while the server imports a repository into it: the server records the tags
 * in batches, with how far it is in an annotation, and each batch moves the live bar. Best effort:
 * a watch that fails or is refused leaves the elapsed-time line as it was.
 */
function followImport(context: CommandContext, name: string, resourceVersion: string | undefined, progress: Progress): { stop(): Promise<void> } {
  const abort = new AbortController();
  const followed = (async () => {
    const events = context.client().resource(kinds.imageStreams).watch(context.namespace, { name, resourceVersion, signal: abort.signal });
    for await (const event of events) {
      if (event.type !== 'ADDED' && event.type !== 'MODIFIED') continue;
      const reported = event.object.metadata.annotations?.[importProgressAnnotation];
      if (!reported) continue;
      try {
        const { done, total, tag } = JSON.parse(reported) as ImportProgress;
        // The tag comes from another registry's tag list: no control character of it reaches the terminal.
        if (Number.isInteger(done) && Number.isInteger(total) && total > 0) progress.update(done, total, `${name}:${String(tag).replace(/[\p{Cc}]/gu, '?')}`);
      } catch {
        // Not the server's JSON: nothing to show.
      }
    }
  })().catch(() => {});
  return {
    async stop() {
      abort.abort();
      await followed;
    },
  };
}

interface ImportedTag {
  /** The tag the import writes: the asked one, or the end of its alias chain. */
  readonly tag: string;
  readonly source: string;
  readonly existing?: TagReference;
}

/**
 * What importing `tag` of an existing stream means (SPEC §3.2): an alias is followed, within the
 * stream, to the tag that imports from a registry, which is imported again; a tag the stream lacks
 * is created from --from (or, for latest, from the stream's repository).
 */
/** The tag to import and its source; `replace` (--confirm) lets a different --from replace a direct tag's source. */
function importedTag(stream: ImageStream, tag: string, from: string | undefined, replace: boolean): ImportedTag {
  const followed = followTagReference(stream, tag);
  switch (followed.outcome) {
    case 'invalid':
      throw new CliError(`tag "${tag}" points to an invalid imagestreamtag`);
    case 'other-stream':
      throw new CliError(`tag "${tag}" points to an imagestreamtag from another ImageStream`);
    case 'circular':
      throw new CliError(`tag "${tag}" on the image stream is a reference to same tag`);
    case 'missing': {
      const source = from ?? (tag === 'latest' ? stream.spec.dockerImageRepository : undefined);
      if (!source)
        throw new CliError(
          `the tag "${tag}" does not exist on the image stream - choose an existing tag to import or use the 'tag' command to create a new tag`,
        );
      return { tag, source };
    }
    case 'found': {
      const existing = followed.spec;
      if (!existing.from)
        throw new CliError(`tag "${tag}" already exists - you must use the 'tag' command if you want to change the source to "${from ?? ''}"`);
      if (existing.from.kind !== 'DockerImage')
        throw new CliError(`tag "${tag}" points to existing ${existing.from.kind} "${existing.from.name}", it cannot be re-imported`);
      if (from && from !== existing.from.name) {
        if (followed.followed)
          throw new CliError(
            `the tag "${tag}" points to the tag "${followed.tag}" which points to "${existing.from.name}" - use the 'tag' command if you want to change the source to "${from}"`,
          );
        // oc refuses another --from here; --confirm, which creates a stream, also replaces a tag's source.
        if (!replace)
          throw new CliError(`the tag "${tag}" points to "${existing.from.name}" - pass --confirm to change its source to "${from}", or use the 'tag' command`);
        return { tag, source: from, existing };
      }
      return { tag: followed.tag, source: existing.from.name, existing };
    }
  }
}
