// image.openshift.io/v1 images: cluster-scoped, named by manifest digest (SPEC §1.2).
import type { FieldCause } from '../../errors.ts';
import type { ResourceDefinition } from '../resource-definition.ts';
import { allVerbs } from '../resource-definition.ts';
import { isDigest } from '../../image/digest.ts';

export const imageGroup = 'image.openshift.io';

export const images: ResourceDefinition = {
  group: imageGroup,
  version: 'v1',
  kind: 'Image',
  resource: 'images',
  singular: 'image',
  namespaced: false,
  verbs: allVerbs,
  nameRule: 'path-segment',
  fields: ['dockerImageReference', 'dockerImageMetadata', 'dockerImageMetadataVersion', 'dockerImageManifest', 'dockerImageLayers', 'signatures', 'dockerImageSignatures', 'dockerImageManifestMediaType', 'dockerImageConfig', 'dockerImageManifests'],
  defaults(object) {
    object.dockerImageMetadataVersion ??= '1.0';
  },
  validate(object) {
    const causes: FieldCause[] = [];
    const name = object.metadata?.name ?? '';
    if (!isDigest(name)) causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `${JSON.stringify(name)}: must be a manifest digest like sha256:<64 hex>` });
    if (typeof object.dockerImageReference !== 'string' || object.dockerImageReference === '') causes.push({ reason: 'FieldValueRequired', field: 'dockerImageReference', message: '' });
    if (Array.isArray(object.dockerImageManifests) && object.dockerImageManifests.length > 0 && Array.isArray(object.dockerImageLayers) && object.dockerImageLayers.length > 0) {
      causes.push({ reason: 'FieldValueInvalid', field: 'dockerImageLayers', message: 'dockerImageLayers should not be set when dockerImageManifests is set' });
    }
    return causes;
  },
  table: {
    columns: [{ name: 'Image Reference', type: 'string', description: 'Where the image can be pulled from.', priority: 0 }],
    cells: (o) => [String(o.dockerImageReference ?? '')],
    noAge: true,
  },
};
