// What a spec tag change does at once (SPEC §2.6 "tagsChanged"): ImageStreamTag and
// ImageStreamImage sources are resolved synchronously into the tag's history, `reference` tags of
// kind DockerImage record their pull spec, and a source in another namespace needs pull rights there.
// The registry serves a copied image in this stream's repository because the source repository's
// links to its content are copied here, after those rights were checked.
import type { HookContext } from '../resource-definition.ts';
import type { ImageStream, TagEvent, TagReference } from '../../image/image-stream.ts';
import { AppError, isAppError, invalid } from '../../errors.ts';
import { recordTagEvent, latestTagEvent } from '../../image/image-stream.ts';
import { formatTimestamp } from '../../kube/object.ts';
import { kinds } from '../../kube/kinds.ts';
import { getKindValue } from '../../store/kind-values.ts';
import { imageGroup } from './images.ts';
import { RepositoryLinks, repositoryOf } from '../../streams/repository-links.ts';
import { copyImageLinks } from '../../streams/image-links.ts';
import { causeAnnotation } from '../../image/bookkeeping-annotations.ts';

// The history item a spec tag change writes was put there by `tag`, as an import of a spec tag just set is.
const taggedBy = { [causeAnnotation]: 'tag' };

export async function resolveChangedTags(stream: ImageStream, old: ImageStream | undefined, context: HookContext): Promise<void> {
  const oldTags = new Map((old?.spec.tags ?? []).map((t) => [t.name, t]));
  const generation = stream.metadata.generation ?? 1;
  for (const [index, tag] of (stream.spec.tags ?? []).entries()) {
    const before = oldTags.get(tag.name);
    const changed =
      !before ||
      tag.generation !== before.generation ||
      JSON.stringify(tag.from) !== JSON.stringify(before.from) ||
      Boolean(tag.reference) !== Boolean(before.reference);
    if (!changed || !tag.from) continue;
    const namespace = tag.from.namespace || stream.metadata.namespace!;
    if (tag.from.kind !== 'DockerImage' && namespace !== stream.metadata.namespace) await requirePull(context, namespace, sourceStreamName(tag, stream), index);
    const now = formatTimestamp(context.clock.now());
    if (tag.from.kind === 'DockerImage') {
      if (tag.reference)
        recordTagEvent(stream, tag.name, {
          created: now,
          dockerImageReference: tag.from.name,
          image: '',
          generation: tag.generation ?? generation,
          annotations: { ...taggedBy },
        });
      continue;
    }
    const event = await sourceEvent(tag, stream, namespace, index, context);
    if (!event) continue;
    if (event.image) {
      await copyImageLinks(
        { store: context.store, links: new RepositoryLinks(context.store) },
        event.image,
        repositoryOf(namespace, sourceStreamName(tag, stream)),
        repositoryOf(stream.metadata.namespace!, stream.metadata.name),
      );
    }
    const reference = rewriteForThisStream(event, namespace, sourceStreamName(tag, stream), stream, tag);
    recordTagEvent(stream, tag.name, {
      created: now,
      dockerImageReference: reference,
      image: event.image,
      generation: tag.generation ?? generation,
      annotations: { ...taggedBy },
    });
  }
}

function sourceStreamName(tag: TagReference, stream: ImageStream): string {
  const name = tag.from!.name;
  if (tag.from!.kind === 'ImageStreamTag') return name.includes(':') ? name.slice(0, name.indexOf(':')) : stream.metadata.name;
  return name.includes('@') ? name.slice(0, name.indexOf('@')) : stream.metadata.name;
}

async function sourceEvent(tag: TagReference, stream: ImageStream, namespace: string, index: number, context: HookContext): Promise<TagEvent | undefined> {
  const from = tag.from!;
  const field = `spec.tags[${index}].from.name`;
  const sourceName = sourceStreamName(tag, stream);
  const sameStream = sourceName === stream.metadata.name && namespace === stream.metadata.namespace;
  let source: ImageStream;
  if (sameStream) source = stream;
  else {
    try {
      source = await getKindValue(context.store, kinds.imageStreams, namespace, sourceName);
    } catch (error) {
      if (isAppError(error, 'NotFound'))
        throw invalid(
          'ImageStream',
          stream.metadata.name,
          [{ reason: 'FieldValueInvalid', field, message: `imagestreams.image.openshift.io "${sourceName}" not found` }],
          imageGroup,
        );
      throw error;
    }
  }
  if (from.kind === 'ImageStreamTag') {
    const sourceTag = from.name.includes(':') ? from.name.slice(from.name.indexOf(':') + 1) : from.name;
    // A source tag with no image yet is not an error: it simply has nothing to copy.
    return latestTagEvent(source, sourceTag);
  }
  if (from.kind === 'ImageStreamImage') {
    const id = from.name.includes('@') ? from.name.slice(from.name.indexOf('@') + 1) : from.name;
    const matches = new Map<string, TagEvent>();
    for (const t of source.status?.tags ?? [])
      for (const item of t.items ?? [])
        if (item.image && (item.image.startsWith(id) || item.image.split(':')[1]?.startsWith(id))) matches.set(item.image, item);
    if (matches.size === 0)
      throw invalid(
        'ImageStream',
        stream.metadata.name,
        [{ reason: 'FieldValueInvalid', field, message: `imagestreamimages.image.openshift.io "${sourceName}@${id}" not found` }],
        imageGroup,
      );
    if (matches.size > 1) throw new AppError('Conflict', `multiple images match the prefix "${id}": ${[...matches.keys()].join(', ')}`);
    return [...matches.values()][0];
  }
  throw invalid(
    'ImageStream',
    stream.metadata.name,
    [{ reason: 'FieldValueInvalid', field, message: 'must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>' }],
    imageGroup,
  );
}

/** A copy of an image pushed to the source stream's repository points at this stream's repository. */
function rewriteForThisStream(event: TagEvent, namespace: string, sourceName: string, stream: ImageStream, tag: TagReference): string {
  const repository = stream.status?.dockerImageRepository;
  if (tag.reference || !repository || !event.image) return event.dockerImageReference;
  const sourceRepository = repository.replace(/\/[^/]+\/[^/]+$/, `/${namespace}/${sourceName}`);
  return event.dockerImageReference.startsWith(`${sourceRepository}@`) ? `${repository}@${event.image}` : event.dockerImageReference;
}

async function requirePull(context: HookContext, namespace: string, name: string, index: number): Promise<void> {
  const allowed = await context.can({ kind: 'resource', verb: 'get', apiGroup: imageGroup, resource: 'imagestreams', subresource: 'layers', name, namespace });
  if (!allowed) {
    throw new AppError(
      'Forbidden',
      `spec.tags[${index}].from: Forbidden: ${namespace}/${name}: "${context.user.name}" may not pull images from this image stream (needs get imagestreams/layers in "${namespace}")`,
    );
  }
}
