// The objects of image.openshift.io/v1 (SPEC §1): image streams and their tag history, images, and
// the views and requests built on them. Types only; the tag history rules are in image/image-stream.ts.
import type { KubeList, KubeObject, ObjectMeta } from '../object.ts';
import type { Status } from './core.ts';

export interface TagEvent {
  created: string;
  dockerImageReference: string;
  image: string;
  generation: number;
  /** What caused the event (`imagestream.io/cause`: push, import-image, tag, schedule, webhook NAME); beyond OpenShift. */
  annotations?: Record<string, string>;
}

export interface TagEventCondition {
  type: 'ImportSuccess';
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
  generation: number;
}

export interface NamedTagEventList {
  tag: string;
  items: TagEvent[] | null;
  conditions?: TagEventCondition[];
}

export interface TagImportPolicy {
  insecure?: boolean;
  scheduled?: boolean;
  importMode?: string;
}

export interface TagReference {
  name: string;
  annotations?: Record<string, string> | null;
  from?: { kind: string; name: string; namespace?: string };
  reference?: boolean;
  generation?: number | null;
  importPolicy?: TagImportPolicy;
  referencePolicy?: { type: 'Source' | 'Local' };
}

export interface ImageStreamSpec {
  lookupPolicy?: { local: boolean };
  dockerImageRepository?: string;
  tags?: TagReference[];
}

export interface ImageStreamStatus {
  dockerImageRepository?: string;
  publicDockerImageRepository?: string;
  tags?: NamedTagEventList[];
}

export interface ImageStream extends KubeObject {
  metadata: ObjectMeta & { name: string };
  spec: ImageStreamSpec;
  status?: ImageStreamStatus;
}

export interface ImageLayer {
  name: string;
  size: number;
  mediaType: string;
}

/** A child of a manifest list, with its platform. */
export interface ImageManifest {
  digest: string;
  mediaType: string;
  manifestSize: number;
  architecture: string;
  os: string;
  variant?: string;
}

export interface DockerImageMetadata {
  kind?: string;
  apiVersion?: string;
  Id?: string;
  Created?: string;
  Author?: string;
  Architecture?: string;
  Os?: string;
  Variant?: string;
  Config?: {
    Entrypoint?: string[];
    Cmd?: string[];
    WorkingDir?: string;
    User?: string;
    ExposedPorts?: Record<string, unknown>;
    Labels?: Record<string, string>;
    Env?: string[];
    Volumes?: Record<string, unknown>;
  };
  ContainerConfig?: Record<string, unknown>;
  Size?: number;
}

/** Cluster-scoped, named by manifest digest (SPEC §1.2). */
export interface Image extends KubeObject {
  dockerImageReference?: string;
  dockerImageMetadata?: DockerImageMetadata;
  dockerImageMetadataVersion?: string;
  dockerImageManifestMediaType?: string;
  /** Kept for images pushed here only. */
  dockerImageManifest?: string;
  dockerImageConfig?: string;
  dockerImageLayers?: ImageLayer[];
  dockerImageManifests?: ImageManifest[];
}

/** One tag of a stream with its current image (SPEC §1.3). */
export interface ImageStreamTag extends KubeObject {
  tag: TagReference | null;
  generation?: number;
  lookupPolicy?: { local: boolean };
  conditions?: TagEventCondition[];
  /** Null when the tag has no image yet; absent in a body sent to write the tag. */
  image?: Image | null;
}

/** An image a stream references, named `stream@digest` (SPEC §1.5). */
export interface ImageStreamImage extends KubeObject {
  image: Image;
}

/** What `imagestreams/layers` answers: every image and blob the stream references (SPEC §1.8). */
export interface ImageStreamLayers extends KubeObject {
  blobs: Record<string, { size: number; mediaType: string }>;
  images: Record<string, { imageMissing?: boolean; layers?: string[]; config?: string; manifests?: string[] }>;
}

export interface ImageImportSpec {
  from: { kind: string; name: string };
  to?: { name: string };
  importPolicy?: TagImportPolicy;
  referencePolicy?: { type?: string };
  includeManifest?: boolean;
}

export interface ImageImportStatus {
  tag?: string;
  status: Status;
  image?: Image;
  manifests?: Image[];
}

/** A request to import images now (SPEC §1.7), answered with what each import did. */
export interface ImageStreamImport extends KubeObject {
  spec: { import: boolean; images?: ImageImportSpec[]; repository?: ImageImportSpec };
  status?: {
    import?: ImageStream;
    images?: ImageImportStatus[];
    repository?: { status: Status; images?: ImageImportStatus[]; additionalTags?: string[] };
  };
}

/** Records an image the stream's repository holds under a tag (SPEC §1.6). */
export interface ImageStreamMapping extends KubeObject {
  image: Image;
  tag: string;
}

export type ImageStreamList = KubeList<ImageStream>;

/** The registries a webhook receiver understands, each by its payload's format and how it proves itself. */
export const webhookTypes = ['distribution', 'dockerhub', 'quay', 'harbor', 'ghcr', 'gitlab', 'generic'] as const;
export type WebhookType = (typeof webhookTypes)[number];

/** Senders that sign each delivery with the secret; the others carry it in their URL. */
export const signingWebhookTypes: readonly WebhookType[] = ['ghcr', 'generic'];

/** The key of a receiver's Secret that holds its secret, as OpenShift's build webhooks name it. */
export const webhookSecretKey = 'WebHookSecretKey';

/**
 * A receiver of a registry's push notifications in a project (beyond OpenShift): a payload names a
 * repository and tag, and the spec tags of the project's streams that follow it are checked and
 * imported. Its secret is in a Secret of the project, key `WebHookSecretKey`, as OpenShift's build
 * webhooks keep theirs.
 */
export interface ImageStreamWebhook extends KubeObject {
  spec: {
    type: WebhookType;
    secretRef: { name: string };
    /**
     * The registry host the sender speaks for (as the streams' sources name it), when the payload
     * does not say or says it under another name; defaults: docker.io, quay.io, ghcr.io, or what the
     * distribution, GitLab and generic payloads name.
     */
    registry?: string;
  };
}
