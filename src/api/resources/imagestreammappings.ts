// image.openshift.io/v1 imagestreammappings (create only, SPEC §1.6): records an image under a tag
// of a stream. The registry tags pushed images through the same function.
import { imageStreamStorage } from './imagestreams.ts';
import type { KubeObject } from '../../kube/object.ts';
import type { ResourceCatalogue, ResourceDefinition, StorageDeps } from '../resource-definition.ts';
import type { RequestContext, RestStorage } from '../rest-storage.ts';
import type { ImageStream } from '../../image/image-stream.ts';
import type { Clock } from '../../lib/clock.ts';
import { images, imageGroup } from './images.ts';
import { AppError, isAppError, invalid } from '../../errors.ts';
import { recordTagEvent, latestTagEvent } from '../../image/image-stream.ts';
import { formatTimestamp } from '../../kube/object.ts';
import { successStatus } from '../to-status.ts';

export const imagestreammappings: ResourceDefinition = {
  group: imageGroup,
  version: 'v1',
  kind: 'ImageStreamMapping',
  resource: 'imagestreammappings',
  singular: 'imagestreammapping',
  namespaced: true,
  verbs: ['create'],
  nameRule: 'path-segment',
  fields: ['image', 'tag'],
  storage: (deps) => mappingStorage(deps),
};

function mappingStorage(deps: StorageDeps): RestStorage {
  return {
    async create(context, body) {
      const name = body.metadata?.name ?? '';
      const image = body.image as KubeObject | undefined;
      if (!name) throw invalid('ImageStreamMapping', name, [{ reason: 'FieldValueRequired', field: 'metadata.name', message: '' }], imageGroup);
      if (!image?.metadata?.name) throw invalid('ImageStreamMapping', name, [{ reason: 'FieldValueRequired', field: 'image.metadata.name', message: '' }], imageGroup);
      await tagImage({ resources: deps.resources, clock: deps.clock }, context, name, typeof body.tag === 'string' && body.tag ? body.tag : 'latest', image);
      return successStatus() as unknown as KubeObject;
    },
  };
}

export interface TagImageDeps {
  readonly resources: ResourceCatalogue;
  readonly clock: Clock;
}

/**
 * Creates the Image (an existing one is reused) and adds it to the history of `tag` on the stream
 * `streamName` in the context's namespace. NotFound when the stream does not exist.
 */
export async function tagImage(deps: TagImageDeps, context: RequestContext, streamName: string, tag: string, image: KubeObject): Promise<void> {
  const imageStorage = deps.resources.storageFor(images);
  const digest = image.metadata!.name!;
  let stored: KubeObject;
  try {
    stored = await imageStorage.create!({ ...context, namespace: undefined }, image, { dryRun: false });
  } catch (error) {
    if (!isAppError(error, 'AlreadyExists')) throw error;
    stored = await imageStorage.get!({ ...context, namespace: undefined }, digest);
  }
  const streams = imageStreamStorage(deps.resources);
  for (let attempt = 0; attempt < 10; attempt++) {
    const stream = (await streams.get(context, streamName)) as unknown as ImageStream;
    const managed = stored.metadata?.annotations?.['openshift.io/image.managed'] === 'true';
    const repository = stream.status?.dockerImageRepository || stream.spec.dockerImageRepository;
    const reference = managed && repository ? `${repository}@${digest}` : String(stored.dockerImageReference);
    const before = latestTagEvent(stream, tag);
    const changed = recordTagEvent(stream, tag, { created: formatTimestamp(deps.clock.now()), dockerImageReference: reference, image: digest, generation: stream.metadata.generation ?? 1 });
    if (!changed) return;
    try {
      await streams.updateStatus(context, streamName, stream as unknown as KubeObject, { dryRun: false });
      return;
    } catch (error) {
      if (!isAppError(error, 'Conflict')) throw error;
      // Retry only if nobody else moved this tag meanwhile (SPEC §1.6).
      const now = latestTagEvent((await streams.get(context, streamName)) as unknown as ImageStream, tag);
      if (now?.image !== before?.image || now?.dockerImageReference !== before?.dockerImageReference) throw error;
    }
  }
  throw new AppError('Timeout', `too many conflicts tagging ${streamName}:${tag}`);
}
