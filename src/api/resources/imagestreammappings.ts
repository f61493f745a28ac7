// image.openshift.io/v1 imagestreammappings (create only, SPEC §1.6): records an image under a tag
// of a stream that its repository already holds. The registry tags pushed images through the same
// function.
import { findImageStream, imageStreamStorage } from './imagestreams.ts';
import type { KubeObject } from '../../kube/object.ts';
import type { ResourceCatalogue, ResourceDefinition, StorageDeps } from '../resource-definition.ts';
import type { RequestContext, RestStorage } from '../rest-storage.ts';
import type { ImageStream } from '../../image/image-stream.ts';
import type { Clock } from '../../lib/clock.ts';
import { images, imageGroup } from './images.ts';
import { AppError, isAppError, invalid, notFound } from '../../errors.ts';
import { isDigest } from '../../image/digest.ts';
import { isPlainObject } from '../../kube/object.ts';
import { RepositoryLinks, repositoryOf } from '../../streams/repository-links.ts';
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
  const links = new RepositoryLinks(deps.store);
  return {
    async create(context, body) {
      const name = body.metadata?.name ?? '';
      const image = isPlainObject(body.image) ? body.image : undefined;
      const digest = isPlainObject(image?.metadata) ? image.metadata.name : undefined;
      if (!name) throw invalid('ImageStreamMapping', name, [{ reason: 'FieldValueRequired', field: 'metadata.name', message: '' }], imageGroup);
      if (typeof digest !== 'string' || !digest) throw invalid('ImageStreamMapping', name, [{ reason: 'FieldValueRequired', field: 'image.metadata.name', message: '' }], imageGroup);
      if (!isDigest(digest)) throw invalid('ImageStreamMapping', name, [{ reason: 'FieldValueInvalid', field: 'image.metadata.name', message: `${JSON.stringify(digest.slice(0, 100))}: must be a manifest digest like sha256:<64 hex>` }], imageGroup);
      const stream = await findImageStream(deps.resources, context, name);
      if (!stream) throw notFound('imagestreams', name, imageGroup);
      // Only the digest is taken from the body: the Image comes from verified bytes this repository
      // holds, so a mapping can neither plant image metadata nor reach another repository's content.
      const repository = repositoryOf(context.namespace!, name);
      const stored = (await links.manifestLink(repository, digest)) ? await findImage(deps, context, digest) : undefined;
      if (!stored) {
        throw invalid('ImageStreamMapping', name, [{ reason: 'FieldValueInvalid', field: 'image.metadata.name', message: `${digest}: the repository ${repository.path} does not hold this image; push it there first, or tag it from another image stream (ims tag)` }], imageGroup);
      }
      const managed = stored.metadata?.annotations?.['openshift.io/image.managed'] === 'true';
      const own = stream.status?.dockerImageRepository || stream.spec.dockerImageRepository;
      const reference = managed && own ? `${own}@${digest}` : String(stored.dockerImageReference);
      await tagImage({ resources: deps.resources, clock: deps.clock }, context, name, typeof body.tag === 'string' && body.tag ? body.tag : 'latest', { digest, reference });
      return successStatus() as unknown as KubeObject;
    },
  };
}

async function findImage(deps: StorageDeps, context: RequestContext, digest: string): Promise<KubeObject | undefined> {
  try {
    return await deps.resources.storageFor(images).get!({ ...context, namespace: undefined }, digest);
  } catch (error) {
    if (isAppError(error, 'NotFound')) return undefined;
    throw error;
  }
}

export interface TagImageDeps {
  readonly resources: ResourceCatalogue;
  readonly clock: Clock;
}

/**
 * Adds the image `digest`, to be pulled from `reference`, to the history of `tag` on the stream
 * `streamName` in the context's namespace (SPEC §1.6). NotFound when the stream does not exist. The
 * Image must exist already: it is made by the push or import that verified its bytes.
 */
export async function tagImage(deps: TagImageDeps, context: RequestContext, streamName: string, tag: string, image: { readonly digest: string; readonly reference: string }): Promise<void> {
  const streams = imageStreamStorage(deps.resources);
  for (let attempt = 0; attempt < 10; attempt++) {
    const stream = (await streams.get(context, streamName)) as unknown as ImageStream;
    const before = latestTagEvent(stream, tag);
    const changed = recordTagEvent(stream, tag, { created: formatTimestamp(deps.clock.now()), dockerImageReference: image.reference, image: image.digest, generation: stream.metadata.generation ?? 1 });
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
