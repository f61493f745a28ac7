// OpenAPI schema of ImageStreamImport's fields (image/v1 in openshift/api), so that
// `kubectl explain isimport.spec.images` teaches what an import asks for and what it answers.
import type { OpenApiSchema } from '../resource-definition.ts';
import { anything, boolean, describedAs, embeddedObject, list, object, objectReference, string } from '../openapi/schema-builders.ts';
import { embeddedImage, imageStreamSchema, tagImportPolicy, tagReferencePolicy } from './image-openapi.ts';

const includeManifest = boolean("Whether each image's manifest is returned in the answer.");

const imageImportSpec = object(
  'A request to import one image.',
  {
    from: objectReference('The source of the image to import; only kind DockerImage is allowed, with a pull spec as name.'),
    to: object('The tag of this image stream to assign the imported image to.', {
      name: string('The name of the tag. When unset, the tag of from.name is used.'),
    }),
    importPolicy: describedAs(tagImportPolicy, 'How the image is imported.'),
    referencePolicy: describedAs(tagReferencePolicy, 'How other components should consume the image.'),
    includeManifest,
  },
  ['from'],
);

const repositoryImportSpec = object(
  'A request to import the images of a container image repository.',
  {
    from: objectReference('The repository to import: only kind DockerImage, with the name of a repository (no tag or digest).'),
    importPolicy: describedAs(tagImportPolicy, 'How the images are imported.'),
    referencePolicy: describedAs(tagReferencePolicy, 'How other components should consume the images.'),
    includeManifest,
  },
  ['from'],
);

const status = anything('The status of the import (a Status object), including any error met while retrieving the image.');

const imageImportStatus = object(
  'The result of importing one image.',
  {
    status,
    image: embeddedImage('The metadata of the image, if it was found.'),
    tag: string('The tag the image was found under, if any.'),
    manifests: list('For a manifest list, the metadata of its sub-manifests.', embeddedImage('A sub-manifest of the list.')),
  },
  ['status'],
);

export const imageStreamImportSchema: Record<string, OpenApiSchema> = {
  spec: object(
    'The images the user wishes to import.',
    {
      import: boolean(
        'Whether to import for real: if true, the tags are set on the spec and status of the image stream this import names (created if needed). If false, the images are only looked up and described in status.',
      ),
      repository: describedAs(
        repositoryImportSpec,
        'Optional: import a whole container image repository. The server imports at most a limited number of its tags this way.',
      ),
      images: list('The individual images to import.', imageImportSpec),
    },
    ['import'],
  ),
  status: object('The result of the import.', {
    import: embeddedObject('The image stream that was updated or created, when spec.import was set.', imageStreamSchema),
    repository: object('The outcome of spec.repository, when it was set.', {
      status: anything('Whether any failure occurred during the import (a Status object).'),
      images: list('The images the import of the repository retrieved.', imageImportStatus),
      additionalTags: list('Tags of the repository that were not imported because of the limit on how many tags one import takes.', string('A tag.')),
    }),
    images: list('The result of importing each of spec.images.', imageImportStatus),
  }),
};
