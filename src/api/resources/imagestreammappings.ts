// image.openshift.io/v1 imagestreammappings (create only, SPEC §1.6): records an image under a tag
// of a stream that its repository already holds, through the streams layer the registry also uses.
import type { ResourceDefinition, StorageDeps } from '../resource-definition.ts';
import type { RestStorage } from '../rest-storage.ts';
import { imageGroup } from './images.ts';
import { imageStreamMappingSchema } from './image-openapi.ts';
import { invalid, notFound } from '../../errors.ts';
import { isDigest } from '../../image/digest.ts';
import { isPlainObject } from '../../kube/object.ts';
import { RepositoryLinks, repositoryOf } from '../../streams/repository-links.ts';
import { ImageStreams } from '../../streams/image-streams.ts';
import { storedStreams } from '../stored-streams.ts';
import { successStatus } from '../to-status.ts';

export const imagestreammappings: ResourceDefinition = {
  group: imageGroup,
  version: 'v1',
  kind: 'ImageStreamMapping',
  resource: 'imagestreammappings',
  singular: 'imagestreammapping',
  namespaced: true,
  verbs: ['create'],
  openApi: imageStreamMappingSchema,
  nameRule: 'path-segment',
  fields: ['image', 'tag'],
  schema: { tag: 'string' },
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
      if (typeof digest !== 'string' || !digest)
        throw invalid('ImageStreamMapping', name, [{ reason: 'FieldValueRequired', field: 'image.metadata.name', message: '' }], imageGroup);
      if (!isDigest(digest))
        throw invalid(
          'ImageStreamMapping',
          name,
          [
            {
              reason: 'FieldValueInvalid',
              field: 'image.metadata.name',
              message: `${JSON.stringify(digest.slice(0, 100))}: must be a manifest digest like sha256:<64 hex>`,
            },
          ],
          imageGroup,
        );
      const streams = new ImageStreams({ store: storedStreams(deps.resources, context), clock: deps.clock });
      const stream = await streams.find(context.namespace!, name);
      if (!stream) throw notFound('imagestreams', name, imageGroup);
      // Only the digest is taken from the body: the Image comes from verified bytes this repository
      // holds, so a mapping can neither plant image metadata nor reach another repository's content.
      const repository = repositoryOf(context.namespace!, name);
      const stored = (await links.manifestLink(repository, digest)) ? await streams.findImage(digest) : undefined;
      if (!stored) {
        throw invalid(
          'ImageStreamMapping',
          name,
          [
            {
              reason: 'FieldValueInvalid',
              field: 'image.metadata.name',
              message: `${digest}: the repository ${repository.path} does not hold this image; push it there first, or tag it from another image stream (ims tag)`,
            },
          ],
          imageGroup,
        );
      }
      // SPEC §1.6: an image the registry manages is pulled from this stream's repository.
      const managed = stored.metadata?.annotations?.['openshift.io/image.managed'] === 'true';
      const own = stream.status?.dockerImageRepository || stream.spec.dockerImageRepository;
      const reference = managed && own ? `${own}@${digest}` : String(stored.dockerImageReference);
      await streams.recordTag(context.namespace!, name, typeof body.tag === 'string' && body.tag ? body.tag : 'latest', { digest, reference });
      // A create-only virtual kind answers with a Status, as OpenShift's mappings do.
      return { ...successStatus() };
    },
  };
}
