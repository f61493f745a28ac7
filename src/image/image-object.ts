// Builds the cluster-scoped Image object (SPEC §1.2) for a manifest: metadata from its config,
// layers base first, total size, and for an index the platforms of its children.
import type { Image } from '../kube/kinds/image.ts';
import type { Manifest } from './manifest.ts';
import type { ImageConfigSummary } from './image-config.ts';

export interface ImageInput {
  readonly digest: string;
  readonly manifest: Manifest;
  readonly manifestBytes: Uint8Array;
  readonly configBytes?: Uint8Array;
  readonly config?: ImageConfigSummary;
  readonly dockerImageReference: string;
  /** Pushed to the integrated registry (keeps manifest and config, `openshift.io/image.managed`). */
  readonly managed: boolean;
}

export function buildImage(input: ImageInput): Image {
  const { manifest } = input;
  const annotations: Record<string, string> = {};
  if (input.managed) {
    annotations['openshift.io/image.managed'] = 'true';
    annotations['image.openshift.io/manifestBlobStored'] = 'true';
  }
  const image: Image = {
    apiVersion: 'image.openshift.io/v1',
    kind: 'Image',
    metadata: { name: input.digest, annotations },
    dockerImageReference: input.dockerImageReference,
    dockerImageMetadataVersion: '1.0',
    dockerImageManifestMediaType: manifest.mediaType,
  };
  if (input.managed) image.dockerImageManifest = Buffer.from(input.manifestBytes).toString('utf8');
  if (manifest.kind === 'index') {
    image.dockerImageManifests = manifest.manifests.map((m) => ({
      digest: m.digest,
      mediaType: m.mediaType,
      manifestSize: m.size,
      architecture: m.platform?.architecture ?? '',
      os: m.platform?.os ?? '',
      ...(m.platform?.variant ? { variant: m.platform.variant } : {}),
    }));
    image.dockerImageMetadata = { kind: 'DockerImage', apiVersion: '1.0', Size: 0 };
    return image;
  }
  annotations['image.openshift.io/dockerLayersOrder'] = 'ascending';
  if (input.managed && input.configBytes) image.dockerImageConfig = Buffer.from(input.configBytes).toString('utf8');
  image.dockerImageLayers = manifest.layers.map((l) => ({ name: l.digest, size: l.size, mediaType: l.mediaType }));
  const unique = new Map(manifest.layers.map((l) => [l.digest, l.size]));
  const size = manifest.config.size + [...unique.values()].reduce((sum, s) => sum + s, 0);
  const config = input.config;
  image.dockerImageMetadata = {
    kind: 'DockerImage',
    apiVersion: '1.0',
    Id: manifest.config.digest,
    Created: config?.created,
    Author: config?.author,
    Architecture: config?.architecture,
    ...(config?.os ? { Os: config.os } : {}),
    ...(config?.variant ? { Variant: config.variant } : {}),
    Config: config?.config ?? {},
    ContainerConfig: {},
    Size: size,
  };
  return image;
}
