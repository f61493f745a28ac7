// image.openshift.io/v1 imagestreamtags (SPEC §1.3): a virtual view of one tag of a stream — its
// spec tag and its current image, with the pull spec resolved by the tag's reference policy.
import { imageStreamTagSchema } from './image-openapi.ts';
import { findImageStream, imageStreamStorage } from './image-stream-storage.ts';
import type { KubeList, KubeObject } from '../../kube/object.ts';
import type { ResourceDefinition, StorageDeps } from '../resource-definition.ts';
import type { RequestContext, RestStorage } from '../rest-storage.ts';
import type { ImageStream, ImageStreamTag, TagReference } from '../../kube/kinds/image.ts';
import { identityOf } from '../resource-definition.ts';
import { kinds } from '../../kube/kinds.ts';
import { storedResourceOf } from '../stored-resource.ts';
import { ImageStreams } from '../../streams/image-streams.ts';
import { storedStreams } from '../stored-streams.ts';
import { imageGroup } from './images.ts';
import { AppError, conflict, isAppError, notFound, retryOnConflict, unlessNotFound } from '../../errors.ts';
import { latestTagEvent, resolvePullSpec } from '../../image/image-stream.ts';
import { imageStreamTagTable } from './image-tables.ts';
import { imageLookupPolicySchema, tagReferenceSchema } from '../schemas/image-types.ts';

export const imagestreamtags: ResourceDefinition<ImageStreamTag> = {
  ...identityOf(kinds.imageStreamTags),
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'],
  nameRule: 'path-segment',
  fields: ['tag', 'generation', 'lookupPolicy', 'conditions', 'image'],
  schema: { tag: tagReferenceSchema, generation: 'int64', lookupPolicy: imageLookupPolicySchema },
  openApi: imageStreamTagSchema,
  storage: (deps) => imageStreamTagStorage(deps),
  table: imageStreamTagTable,
};

export function splitStreamTag(name: string): { stream: string; tag: string } {
  const parts = name.split(':');
  if (name.includes('@') || parts.length !== 2 || !parts[0] || !parts[1])
    throw new AppError('BadRequest', 'ImageStreamTags must be retrieved with <name>:<tag>');
  return { stream: parts[0], tag: parts[1] };
}

function imageStreamTagStorage(deps: StorageDeps): RestStorage {
  const streams = () => imageStreamStorage(deps.resources);
  const imageStorage = () => storedResourceOf(deps.resources, kinds.images);
  const readStream = (context: RequestContext, name: string) => findImageStream(deps.resources, context, name);
  const view = async (context: RequestContext, stream: ImageStream, tag: string): Promise<ImageStreamTag | undefined> => {
    const event = latestTagEvent(stream, tag);
    if (!event?.image) return undefined;
    const image = await unlessNotFound(imageStorage().get({ ...context, namespace: undefined }, event.image));
    if (!image) return undefined;
    const { dockerImageManifest: _manifest, dockerImageConfig: _config, ...stripped } = image;
    const spec = stream.spec.tags?.find((t) => t.name === tag) ?? null;
    return {
      apiVersion: `${imageGroup}/v1`,
      kind: 'ImageStreamTag',
      metadata: {
        name: `${stream.metadata.name}:${tag}`,
        namespace: stream.metadata.namespace,
        uid: stream.metadata.uid,
        resourceVersion: stream.metadata.resourceVersion,
        creationTimestamp: event.created,
        ...(stream.metadata.labels ? { labels: stream.metadata.labels } : {}),
        ...(spec?.annotations ? { annotations: spec.annotations } : {}),
      },
      tag: spec,
      generation: event.generation,
      lookupPolicy: stream.spec.lookupPolicy ?? { local: false },
      conditions: stream.status?.tags?.find((t) => t.tag === tag)?.conditions,
      image: { ...stripped, dockerImageReference: resolvePullSpec(stream, tag) },
    };
  };
  const write = async (context: RequestContext, name: string, body: KubeObject, mode: 'create' | 'update'): Promise<ImageStreamTag> => {
    const { stream: streamName, tag } = splitStreamTag(name);
    const given = (body.tag ?? null) as TagReference | null;
    if (given && given.name && given.name !== tag)
      throw new AppError('BadRequest', `tag name "${given.name}" does not match the ImageStreamTag name "${name}"`);
    // AlreadyExists: someone created the stream meanwhile; read it and write again.
    const written = await retryOnConflict(10, async () => {
      const stream = await readStream(context, streamName);
      const existing = stream?.spec.tags?.find((t) => t.name === tag);
      if (mode === 'create' && existing)
        throw new AppError('AlreadyExists', `imagestreamtags.image.openshift.io "${name}" already exists`, {
          subject: { name, group: imageGroup, kind: 'imagestreamtags' },
        });
      if (!given && !existing)
        throw new AppError('BadRequest', `imagestreamtag ${tag} is not a spec tag in imagestream ${context.namespace}/${streamName}, cannot be updated`);
      const annotations = (body.metadata?.annotations as Record<string, string> | undefined) ?? given?.annotations ?? existing?.annotations;
      const next: TagReference | undefined = given
        ? { ...given, name: tag, ...(annotations ? { annotations } : {}) }
        : existing
          ? { ...existing, ...(annotations ? { annotations } : {}) }
          : undefined;
      if (!stream) {
        const fresh = { apiVersion: `${imageGroup}/v1`, kind: 'ImageStream', metadata: { name: streamName }, spec: { tags: next ? [next] : [] } };
        return streams()
          .create(context, fresh, { dryRun: false })
          .catch((error: unknown) => {
            throw isAppError(error, 'AlreadyExists') ? conflict('imagestreams', streamName, imageGroup) : error;
          });
      }
      const tags = (stream.spec.tags ?? []).filter((t) => t.name !== tag);
      if (next) tags.push(next);
      tags.sort((a, b) => a.name.localeCompare(b.name));
      return streams().update(context, streamName, { ...stream, spec: { ...stream.spec, tags } }, { dryRun: false });
    });
    const after: ImageStream = written;
    return (
      (await view(context, after, tag)) ?? {
        apiVersion: `${imageGroup}/v1`,
        kind: 'ImageStreamTag',
        metadata: { name, namespace: context.namespace },
        tag: after.spec.tags?.find((t) => t.name === tag) ?? null,
        image: null,
      }
    );
  };
  return {
    async get(context, name) {
      const { stream: streamName, tag } = splitStreamTag(name);
      const stream = await readStream(context, streamName);
      const found = stream && (await view(context, stream, tag));
      if (!found) throw notFound('imagestreamtags', name, imageGroup);
      return found;
    },
    async list(context, query) {
      const all = await streams().list(context, { labelSelector: query.labelSelector });
      const items: ImageStreamTag[] = [];
      for (const stream of all.items) {
        for (const tag of stream.status?.tags ?? []) {
          const found = await view(context, stream, tag.tag);
          if (found && (!query.fieldName || query.fieldName === found.metadata?.name)) items.push(found);
        }
      }
      return {
        apiVersion: `${imageGroup}/v1`,
        kind: 'ImageStreamTagList',
        metadata: { resourceVersion: all.metadata.resourceVersion },
        items,
      } satisfies KubeList<ImageStreamTag>;
    },
    create: (context, body) => write(context, body.metadata?.name ?? '', body, 'create'),
    update: (context, name, body) => write(context, name, body, 'update'),
    async delete(context, name) {
      const { stream: streamName, tag } = splitStreamTag(name);
      const removed = await new ImageStreams({ store: storedStreams(deps.resources, context), clock: deps.clock }).removeTag(
        context.namespace!,
        streamName,
        tag,
      );
      if (!removed) throw notFound('imagestreamtags', name, imageGroup);
      return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', details: { name, group: imageGroup, kind: 'imagestreamtags' } };
    },
  };
}
