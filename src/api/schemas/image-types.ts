// Field schemas of the image kinds' specs (image/v1/types.go): which fields they know, for field
// validation of `spec.tagz` and the like, and their types, for decoding.
import { mapOf, struct } from '../field-schema.ts';
import { localObjectReference, objectReference } from './core-types.ts';

const tagImportPolicy = struct('TagImportPolicy', { insecure: 'bool', scheduled: 'bool', importMode: 'string' });
const tagReferencePolicy = struct('TagReferencePolicy', { type: 'string' });

/** A spec tag: an ImageStream's, and the one an ImageStreamTag carries. */
export const tagReferenceSchema = struct('TagReference', {
  name: 'string',
  annotations: mapOf('string'),
  from: objectReference,
  reference: 'bool',
  generation: 'int64',
  importPolicy: tagImportPolicy,
  referencePolicy: tagReferencePolicy,
});

export const imageLookupPolicySchema = struct('ImageLookupPolicy', { local: 'bool' });

export const imageStreamSpecSchema = struct('ImageStreamSpec', {
  lookupPolicy: imageLookupPolicySchema,
  dockerImageRepository: 'string',
  tags: [tagReferenceSchema],
});

/** What an import asks for; left open, as the CLI and oc may send fields this server does not read. */
export const imageStreamImportSpecSchema = struct('ImageStreamImportSpec', {
  import: 'bool',
  images: [
    struct('ImageImportSpec', {
      from: objectReference,
      to: localObjectReference,
      importPolicy: tagImportPolicy,
      includeManifest: 'bool',
      referencePolicy: tagReferencePolicy,
      '*': true,
    }),
  ],
  repository: struct('RepositoryImportSpec', {
    from: objectReference,
    importPolicy: tagImportPolicy,
    includeManifest: 'bool',
    referencePolicy: tagReferencePolicy,
    '*': true,
  }),
  '*': true,
});
