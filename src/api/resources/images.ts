// image.openshift.io/v1 images: cluster-scoped, named by manifest digest (SPEC §1.2). Images are
// made only by the server, from manifest and config bytes whose digests it checked (a push or an
// import); clients may read, label, annotate and delete them, never create one or change its content,
// and never delete one a stream's tag history, a manifest list or a push in progress still needs.
import { imageSchema } from './image-openapi.ts';
import type { FieldCause } from '../../errors.ts';
import type { ResourceDefinition } from '../resource-definition.ts';
import type { Image } from '../../kube/kinds/image.ts';
import { AppError } from '../../errors.ts';
import { isDigest } from '../../image/digest.ts';
import { whyImageIsKept } from '../../streams/image-holds.ts';
import { isDeepStrictEqual } from 'node:util';
import { identityOf } from '../resource-definition.ts';
import { kinds } from '../../kube/kinds.ts';

export const imageGroup = kinds.images.group;

/** What the manifest and config bytes determine; signatures and metadata may change. */
const contentFields = [
  'dockerImageReference',
  'dockerImageMetadata',
  'dockerImageMetadataVersion',
  'dockerImageManifest',
  'dockerImageLayers',
  'dockerImageManifestMediaType',
  'dockerImageConfig',
  'dockerImageManifests',
] as const;

export const images: ResourceDefinition<Image> = {
  ...identityOf(kinds.images),
  verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  nameRule: 'path-segment',
  openApi: imageSchema,
  fields: [
    'dockerImageReference',
    'dockerImageMetadata',
    'dockerImageMetadataVersion',
    'dockerImageManifest',
    'dockerImageLayers',
    'signatures',
    'dockerImageSignatures',
    'dockerImageManifestMediaType',
    'dockerImageConfig',
    'dockerImageManifests',
  ],
  defaults(object) {
    object.dockerImageMetadataVersion ??= '1.0';
  },
  validate(object, old) {
    const causes: FieldCause[] = [];
    if (old) {
      for (const field of contentFields) {
        if (!isDeepStrictEqual(object[field], old[field]))
          causes.push({ reason: 'FieldValueInvalid', field, message: 'field is immutable: an image is what its verified manifest says' });
      }
      return causes;
    }
    const name = object.metadata?.name ?? '';
    if (!isDigest(name))
      causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `${JSON.stringify(name)}: must be a manifest digest like sha256:<64 hex>` });
    if (typeof object.dockerImageReference !== 'string' || object.dockerImageReference === '')
      causes.push({ reason: 'FieldValueRequired', field: 'dockerImageReference', message: '' });
    if (
      Array.isArray(object.dockerImageManifests) &&
      object.dockerImageManifests.length > 0 &&
      Array.isArray(object.dockerImageLayers) &&
      object.dockerImageLayers.length > 0
    ) {
      causes.push({ reason: 'FieldValueInvalid', field: 'dockerImageLayers', message: 'dockerImageLayers should not be set when dockerImageManifests is set' });
    }
    return causes;
  },
  async beforeDelete(image, context) {
    // The engine then deletes only if the Image is still at the resourceVersion it read before this
    // check, which is what makes the check safe against a push tagging it meanwhile (image-holds.ts).
    const name = image.metadata?.name ?? '';
    const reason = await whyImageIsKept(context, name);
    if (reason)
      throw new AppError('Conflict', `images.image.openshift.io "${name}" cannot be deleted: ${reason}`, {
        subject: { name, group: imageGroup, kind: 'images' },
      });
  },
  table: {
    columns: [{ name: 'Image Reference', type: 'string', description: 'Where the image can be pulled from.', priority: 0 }],
    cells: (o) => [String(o.dockerImageReference ?? '')],
    noAge: true,
  },
};
