// OpenAPI schemas of the image kinds' fields with descriptions, so `kubectl explain is.spec.tags`
// teaches what OpenShift's field documentation teaches (SPEC §1). The server validates what it is
// sent itself, but kubectl checks the items of a `kind: List` (`get -o yaml`) against these, so each
// object here names every field the server writes (test/api/resources/image-openapi.test.ts).
import type { OpenApiSchema } from '../resource-definition.ts';

const string = (description: string): OpenApiSchema => ({ type: 'string', description });
const boolean = (description: string): OpenApiSchema => ({ type: 'boolean', description });
const integer = (description: string): OpenApiSchema => ({ type: 'integer', format: 'int64', description });
const time = (description: string): OpenApiSchema => ({ type: 'string', format: 'date-time', description });
const object = (description: string, properties: Record<string, OpenApiSchema>): OpenApiSchema => ({ type: 'object', description, properties });
const list = (description: string, items: OpenApiSchema): OpenApiSchema => ({ type: 'array', description, items });
const stringMap = (description: string): OpenApiSchema => ({ type: 'object', description, additionalProperties: { type: 'string' } });
const free = (description: string): OpenApiSchema => ({ type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true });
/** Any value at all: no type, so kubectl's client-side validation (of a List's items) takes whatever is there. */
const anything = (description: string): OpenApiSchema => ({ description, 'x-kubernetes-preserve-unknown-fields': true });

const objectReference = object('The object this tag follows: an image in another registry, or a tag or image of an image stream.', {
  kind: string('DockerImage (a pull spec in a registry), ImageStreamTag (<stream>:<tag>) or ImageStreamImage (<stream>@<digest>).'),
  name: string('The pull spec, or the stream tag or image, that the tag points at.'),
  namespace: string('The project of an ImageStreamTag or ImageStreamImage source; empty for this project.'),
});

const tagReference = object('A tag of the stream and where its images come from.', {
  name: string('The name of the tag.'),
  annotations: stringMap('Annotations of the tag, shown by describe (description, tags, supports, sampleRepo).'),
  from: objectReference,
  reference: boolean('If true, the tag records the source as its pull spec and is never imported: consumers pull from the source.'),
  generation: integer('The stream generation this tag was last set at; set it to 0 to ask for a re-import.'),
  importPolicy: object('How the tag is imported.', {
    insecure: boolean("Allow plain HTTP and certificates that cannot be verified for this tag's registry."),
    scheduled: boolean('Check the source again every import interval, and import the image when it moved.'),
    importMode: string(
      "Legacy imports one image of a manifest list (the server's platform, or the prefer-arch annotation); PreserveOriginal imports the whole list.",
    ),
  }),
  referencePolicy: object('Which pull spec consumers get for this tag.', {
    type: string("Source: the pull spec the image was imported from. Local: this server's registry, which pulls the image through."),
  }),
});

const tagEvent = object('One image a tag pointed at.', {
  created: time('When the tag started pointing at this image.'),
  dockerImageReference: string('The pull spec of the image.'),
  image: string('The image, by manifest digest.'),
  generation: integer('The spec generation this event answers.'),
  annotations: {
    type: 'object',
    description: 'imagestream.io/cause: what put the image there (push, import-image, tag, schedule, webhook NAME).',
    additionalProperties: { type: 'string' },
  },
});

const tagCondition = object('Why the tag is not current, when an import failed.', {
  type: string('ImportSuccess.'),
  status: string('True, False or Unknown.'),
  lastTransitionTime: time('When the condition last changed.'),
  reason: string('A one-word reason (NotFound, Unauthorized, Forbidden, Timeout, ServiceUnavailable, ...).'),
  message: string('What went wrong, and when the next attempt is.'),
  generation: integer('The spec generation the condition answers.'),
});

const lookupPolicy = object('How names of this stream resolve in workloads of the project.', {
  local: boolean('If true, "image: <stream>:<tag>" in a pod spec of this project resolves to the tag\'s current image.'),
});

export const imageStreamSchema: Record<string, OpenApiSchema> = {
  spec: object('What the image stream tracks.', {
    lookupPolicy,
    dockerImageRepository: string('A repository in another registry whose tags are imported into this stream.'),
    tags: list('The tags of the stream and their sources.', tagReference),
  }),
  status: object('What the stream holds, as the server records it: clients may only remove history.', {
    dockerImageRepository: string("Where this server's registry serves the stream: <registry host>/<project>/<stream>."),
    publicDockerImageRepository: string('The same, as named to clients outside the cluster.'),
    tags: list(
      'The history of each tag, newest image first.',
      object('A tag and the images it pointed at.', {
        tag: string('The name of the tag.'),
        items: list('The images, newest first.', tagEvent),
        conditions: list('Conditions of the tag.', tagCondition),
      }),
    ),
  }),
};

const imageFields: Record<string, OpenApiSchema> = {
  dockerImageReference: string('Where the image can be pulled from.'),
  dockerImageMetadata: free('The image configuration: architecture, OS, environment, command, labels, exposed ports.'),
  dockerImageMetadataVersion: string('The version of dockerImageMetadata (1.0).'),
  dockerImageManifest: string('The raw manifest, when asked for.'),
  dockerImageManifestMediaType: string('The media type of the manifest.'),
  dockerImageConfig: string('The raw image configuration, when asked for.'),
  dockerImageLayers: list(
    'The layers, base first.',
    object('A layer.', { name: string('The layer, by digest.'), size: integer('Its size in bytes.'), mediaType: string('Its media type.') }),
  ),
  dockerImageManifests: list(
    'For a manifest list, the image of each platform.',
    object('A child manifest.', {
      digest: string('The child, by digest.'),
      mediaType: string('Its media type.'),
      manifestSize: integer('Its size in bytes.'),
      architecture: string('Its CPU architecture.'),
      os: string('Its operating system.'),
      variant: string('Its CPU variant.'),
    }),
  ),
  signatures: anything('Signatures of the image (ImageSignature objects).'),
  dockerImageSignatures: anything('Signatures of the image as raw bytes, base64-encoded.'),
};

export const imageSchema: Record<string, OpenApiSchema> = imageFields;

export const imageStreamTagSchema: Record<string, OpenApiSchema> = {
  tag: tagReference,
  generation: integer("The generation of the tag's current image."),
  lookupPolicy,
  conditions: list('Conditions of the tag.', tagCondition),
  // The Image object itself, as `oc get istag -o yaml` shows it: with its kind and metadata.
  image: object("The tag's current image.", {
    apiVersion: string('image.openshift.io/v1.'),
    kind: string('Image.'),
    metadata: free('The metadata of the Image: its name is the manifest digest.'),
    ...imageFields,
  }),
};
