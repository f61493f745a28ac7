// OpenAPI schemas of the image kinds' fields, so `kubectl explain is.spec.tags` teaches what
// OpenShift's field documentation (image/v1 in openshift/api, which `oc explain` shows) says each
// field means. The server validates what it is sent itself, but kubectl checks the items of a
// `kind: List` (`get -o yaml`) against these, so each object here names every field the server
// writes or accepts (test/api/resources/image-openapi.test.ts). ImageStreamImport's are in
// image-import-openapi.ts.
import type { OpenApiSchema } from '../resource-definition.ts';
import {
  anything,
  boolean,
  describedAs,
  embeddedObject,
  free,
  integer,
  mapOf,
  list,
  object,
  objectReference,
  string,
  stringMap,
  time,
} from '../openapi/schema-builders.ts';

export const tagImportPolicy = object('How images for this tag may be imported by the server.', {
  insecure: boolean('If true, the server may skip certificate verification or connect over plain HTTP when it imports the image.'),
  scheduled: boolean('If true, the server checks the tag periodically to keep it up to date, and imports the image again when it changed.'),
  importMode: string(
    'How an image manifest is imported: Legacy (the default) imports one image of a manifest list, for the platform the server picks; PreserveOriginal imports the list and every image in it.',
  ),
});

export const tagReferencePolicy = object(
  'How the pull specs of images of this tag are generated when the tag is resolved (image lookup, triggers), so the stream author controls how images are reached.',
  {
    type: string(
      "How the pull spec is formed when the tag is used: Source (the default) gives the image's original location, where it was imported from; Local gives this server's integrated registry, which proxies the pull to the upstream registry, so credentials for the remote image stay in the stream's namespace and others can pull the image without access to the remote secret.",
    ),
  },
  ['type'],
);

const tagReference = object(
  'A tag of the stream: optional annotations for images of this tag, and an optional reference to the ImageStreamTag, ImageStreamImage or DockerImage the tag tracks.',
  {
    name: string('The name of the tag.'),
    annotations: stringMap('Optional: annotations applied to images retrieved through the ImageStreamTags of this tag.'),
    from: objectReference(
      'Optional: another image this tag points at. Valid kinds are ImageStreamTag (<stream>:<tag>), ImageStreamImage (<stream>@<digest>) and DockerImage (a pull spec).',
    ),
    reference: boolean('Whether the tag is only a reference, never imported. The default, false, means the tag is imported.'),
    generation: integer(
      "Counts changes to this spec tag (the user's intent): a changed tag gets the stream's current generation, which grows with every spec change. The importer sees a spec tag generation newer than the one in status and imports the tag again. Set it to 0 to ask for a new import; a client that sends null keeps the tag's current generation.",
    ),
    importPolicy: describedAs(tagImportPolicy, 'Controls how images for this tag may be imported by the server.'),
    referencePolicy: describedAs(tagReferencePolicy, 'How other components should consume the image.'),
  },
  ['name'],
);

const tagEvent = object(
  'A record, in the stream status, of one image a tag pointed at.',
  {
    created: time('When this event was recorded.'),
    dockerImageReference: string('The pull spec of this image.'),
    image: string('The image: its manifest digest, the name of its Image.'),
    generation: integer('The spec tag generation that led to this tag being updated.'),
    // Not in OpenShift's TagEvent: this server's own record of the cause.
    annotations: stringMap('Written by this server: imagestream.io/cause says what set the image (push, import-image, tag, schedule, webhook NAME).'),
  },
  ['created', 'dockerImageReference', 'image', 'generation'],
);

export const tagEventCondition = object(
  'Condition information of a tag, such as why its last import failed.',
  {
    type: string('The type of the condition; only ImportSuccess.'),
    status: string('The status of the condition: True, False or Unknown.'),
    lastTransitionTime: time('When the condition last changed from one status to another.'),
    reason: string('A brief, machine-readable explanation of the last transition (NotFound, Unauthorized, Forbidden, ...).'),
    message: string('A human-readable account of the last transition, beside the reason.'),
    generation: integer('The spec tag generation this condition answers.'),
  },
  ['type', 'status', 'generation'],
);

const lookupPolicy = object(
  'How an image stream may replace the image references of pods and other resources in its namespace.',
  {
    local: boolean(
      'If true, short image references in this namespace (like "mysql" or "php:latest") that match this image stream are replaced with the image of the tag, instead of being pulled from a remote registry. The tag\'s referencePolicy applies to the replacement. Works only within the stream\'s own namespace.',
    ),
  },
  ['local'],
);

export const imageStreamSchema: Record<string, OpenApiSchema> = {
  spec: object('The desired state of the stream.', {
    lookupPolicy: describedAs(lookupPolicy, 'How other resources in this namespace refer to images of this stream.'),
    dockerImageRepository: string(
      'Optional: a container image repository on another registry that backs this stream; its tags are imported. Deprecated since OpenShift 3.7: name the source of each tag in spec.tags[].from instead.',
    ),
    tags: list('The tags of the stream: each maps a name to a source of images.', tagReference),
  }),
  status: object('The current state of the stream, as the server records it.', {
    dockerImageRepository: string(
      'Where this stream can be pulled from: <registry host>/<namespace>/<stream> on this server. May be empty until the server knows where the repository is.',
    ),
    publicDockerImageRepository: string(
      'Where the stream can be pulled from outside the cluster; empty when the administrator has not exposed the registry externally.',
    ),
    tags: list(
      'The history of images of each tag; the first event of a tag is its current image.',
      object(
        'A tag and the history of its images.',
        {
          tag: string('The tag whose history this is.'),
          items: list('The images the tag pointed at, newest first.', tagEvent),
          conditions: list('Conditions of the tag, such as a failed import.', tagEventCondition),
        },
        ['tag', 'items'],
      ),
    ),
  }),
};

const imageLayer = object(
  'One layer of the image. Some images have many layers, some none.',
  {
    name: string('The name of the layer in the underlying store: its digest.'),
    size: integer('The size of the layer in bytes.'),
    mediaType: string('The media type of the layer.'),
  },
  ['name', 'size', 'mediaType'],
);

const imageManifest = object(
  'A sub-manifest of a manifest list; its digest names an Image of its own.',
  {
    digest: string('The unique identifier of the manifest; the name of its Image.'),
    mediaType: string(
      'The media type of the manifest: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json or application/vnd.docker.distribution.manifest.v1+json.',
    ),
    manifestSize: integer('The size of the raw manifest, in bytes.'),
    architecture: string('The CPU architecture, for example amd64 or ppc64le.'),
    os: string('The operating system, for example linux.'),
    variant: string('Optional: a variant of the CPU, for example v6 for a particular ARM CPU.'),
  },
  ['digest', 'mediaType', 'manifestSize', 'architecture', 'os'],
);

/** Image's own fields, beside apiVersion, kind and metadata. */
export const imageSchema: Record<string, OpenApiSchema> = {
  dockerImageReference: string('The pull spec from which this image can be pulled.'),
  dockerImageMetadata: free('Metadata of the image: its configuration (architecture, OS, environment, command, labels, exposed ports, ...).'),
  dockerImageMetadataVersion: string('The version of dockerImageMetadata; empty means "1.0".'),
  dockerImageManifest: string('The raw JSON of the manifest.'),
  dockerImageManifestMediaType: string('The media type of the manifest (manifest schema 2).'),
  dockerImageConfig: string(
    'The JSON image configuration the container runtime uses to set up the container (manifest schema 2). Unset when the image is a manifest list.',
  ),
  dockerImageLayers: list(
    'The layers of the image, base layer first. May be unset when the image does not give them, or when it is a manifest list.',
    imageLayer,
  ),
  dockerImageManifests: list('For a manifest list, its sub-manifests; an image with these has no dockerImageLayers.', imageManifest),
  signatures: anything('All signatures of the image (ImageSignature objects).'),
  dockerImageSignatures: anything('The signatures of the image as opaque blobs (manifest schema 1).'),
};

const image = (description: string) => embeddedObject(description, imageSchema);

export const imageStreamTagSchema: Record<string, OpenApiSchema> = {
  tag: describedAs(tagReference, 'The spec tag of this image stream tag; null when the tag only has pushed images.'),
  generation: integer(
    "The generation of the tagged image. When the tag has a spec and this differs from the spec tag's generation, an import was asked for and has not completed, or conditions say why it failed.",
  ),
  lookupPolicy: describedAs(lookupPolicy, 'Whether this tag resolves image references in this namespace.'),
  conditions: list('Conditions that apply to the image stream tag.', tagEventCondition),
  image: image('The image of this tag of the stream.'),
};

export const imageStreamImageSchema: Record<string, OpenApiSchema> = {
  image: image('The image, found in the image stream by its name.'),
};

export const imageStreamMappingSchema: Record<string, OpenApiSchema> = {
  image: image(
    "The container image to record. This server reads only its metadata.name, the manifest digest, and takes the rest from the image the stream's repository already holds (pushed there).",
  ),
  tag: string('The tag of the stream the image is recorded under (latest when empty).'),
};

export { image as embeddedImage };

export const imageStreamLayersSchema: Record<string, OpenApiSchema> = {
  blobs: mapOf(
    'Each blob, by name (digest), with its metadata.',
    object(
      'Metadata of an image layer.',
      {
        size: integer('The size of the blob in bytes; optional when the size is not known.'),
        mediaType: string('The media type of the blob.'),
      },
      ['size', 'mediaType'],
    ),
  ),
  images: mapOf(
    'Each image of the stream, by name (digest), with the names of the blobs and config it is made of.',
    object('The blobs an image references.', {
      imageMissing: boolean(
        'True when the stream references the image but an administrator deleted its Image: then layers and config may be empty, and the image should be taken as unavailable.',
      ),
      layers: list('The blobs the image is made of, base layer first; all are in blobs. Some images have none.', string('A blob name.')),
      config: string('The blob holding the image config, if the image has a separate one.'),
      manifests: list(
        'The other images this image points to: empty for a single-platform image, the digests of its per-platform images for a manifest list.',
        string('An image name.'),
      ),
    }),
  ),
};

export const secretListSchema: Record<string, OpenApiSchema> = {
  items: list(
    'The pull secrets of the namespace that imports of this stream may use (dockercfg, dockerconfigjson and podmanconfigjson secrets not excluded by the openshift.io/image.excludeSecret annotation).',
    free('A Secret.'),
  ),
};
