// Read-only views of a stream: imagestreamimages (`stream@digest-or-prefix`, SPEC §1.5),
// imagestreams/layers (every image and blob the stream references, §1.8) and imagestreams/secrets
// (the namespace's pull secrets the importer may use, §1.1).
import { imageStreamStorage } from './image-stream-storage.ts';
import type { ResourceDefinition, StorageDeps } from '../resource-definition.ts';
import type { RequestContext, RestStorage } from '../rest-storage.ts';
import type { Image, ImageStream, ImageStreamImage, ImageStreamLayers } from '../../kube/kinds/image.ts';
import type { Secret, SecretList } from '../../kube/kinds/core.ts';
import { imageGroup } from './images.ts';
import { imageStreamImageSchema } from './image-openapi.ts';
import { imageStreamImageTable } from './image-tables.ts';
import { AppError, isAppError, notFound, unlessNotFound } from '../../errors.ts';
import { identityOf } from '../resource-definition.ts';
import { storedResourceOf } from '../stored-resource.ts';
import { kinds } from '../../kube/kinds.ts';
import { listKindValues } from '../../store/kind-values.ts';

export const imagestreamimages: ResourceDefinition<ImageStreamImage> = {
  ...identityOf(kinds.imageStreamImages),
  verbs: ['get'],
  openApi: imageStreamImageSchema,
  nameRule: 'path-segment',
  fields: ['image'],
  storage: (deps) => ({ get: (context, name) => imageStreamImage(deps, context, name) }),
  table: imageStreamImageTable,
};

async function readStream(deps: StorageDeps, context: RequestContext, name: string): Promise<ImageStream> {
  return imageStreamStorage(deps.resources).get(context, name);
}

function readImage(deps: StorageDeps, context: RequestContext, digest: string): Promise<Image | undefined> {
  return unlessNotFound(storedResourceOf(deps.resources, kinds.images).get({ ...context, namespace: undefined }, digest));
}

/** Every image the stream references: its history, and the children of manifest lists in it. */
export async function referencedImages(deps: StorageDeps, context: RequestContext, stream: ImageStream): Promise<Map<string, Image | undefined>> {
  const found = new Map<string, Image | undefined>();
  for (const tag of stream.status?.tags ?? []) {
    for (const item of tag.items ?? []) {
      if (!item.image || found.has(item.image)) continue;
      const image = await readImage(deps, context, item.image);
      found.set(item.image, image);
      for (const child of image?.dockerImageManifests ?? [])
        if (!found.has(child.digest)) found.set(child.digest, await readImage(deps, context, child.digest));
    }
  }
  return found;
}

async function imageStreamImage(deps: StorageDeps, context: RequestContext, name: string): Promise<ImageStreamImage> {
  const at = name.indexOf('@');
  if (at <= 0 || at === name.length - 1 || name.indexOf('@', at + 1) >= 0)
    throw new AppError('BadRequest', 'ImageStreamImages must be retrieved with <name>@<id>');
  const streamName = name.slice(0, at);
  const id = name.slice(at + 1);
  let stream: ImageStream;
  try {
    stream = await readStream(deps, context, streamName);
  } catch (error) {
    if (isAppError(error, 'NotFound')) throw notFound('imagestreamimages', name, imageGroup);
    throw error;
  }
  const matches = [...(await referencedImages(deps, context, stream)).entries()].filter(
    ([digest]) => digest.startsWith(id) || digest.split(':')[1].startsWith(id),
  );
  if (matches.length === 0 || !matches[0][1]) throw notFound('imagestreamimages', name, imageGroup);
  if (matches.length > 1) throw new AppError('Conflict', `multiple images match the prefix "${id}": ${matches.map(([d]) => d).join(', ')}`);
  const { dockerImageManifest: _m, dockerImageConfig: _c, ...image } = matches[0][1];
  return {
    apiVersion: `${imageGroup}/v1`,
    kind: 'ImageStreamImage',
    metadata: {
      name,
      namespace: context.namespace,
      uid: stream.metadata.uid,
      resourceVersion: stream.metadata.resourceVersion,
      creationTimestamp: image.metadata?.creationTimestamp,
      ...(stream.metadata.annotations ? { annotations: stream.metadata.annotations } : {}),
    },
    image,
  };
}

export function layersStorage(deps: StorageDeps): RestStorage {
  return {
    async get(context, name): Promise<ImageStreamLayers> {
      const stream = await readStream(deps, context, name);
      const blobs: ImageStreamLayers['blobs'] = {};
      const imagesOut: ImageStreamLayers['images'] = {};
      for (const [digest, image] of await referencedImages(deps, context, stream)) {
        if (!image) {
          imagesOut[digest] = { imageMissing: true };
          continue;
        }
        const children = image.dockerImageManifests ?? [];
        if (children.length > 0) {
          imagesOut[digest] = { manifests: children.map((c) => c.digest) };
          continue;
        }
        const layers = image.dockerImageLayers ?? [];
        for (const layer of layers) blobs[layer.name] = { size: layer.size, mediaType: layer.mediaType };
        const config = image.dockerImageMetadata?.Id;
        if (config?.startsWith('sha')) blobs[config] = { size: 0, mediaType: 'application/vnd.docker.container.image.v1+json' };
        imagesOut[digest] = { layers: layers.map((l) => l.name), ...(config?.startsWith('sha') ? { config } : {}) };
      }
      return {
        apiVersion: `${imageGroup}/v1`,
        kind: 'ImageStreamLayers',
        metadata: { name, namespace: context.namespace, uid: stream.metadata.uid, resourceVersion: stream.metadata.resourceVersion },
        blobs,
        images: imagesOut,
      };
    },
  };
}

export function secretsStorage(deps: StorageDeps): RestStorage {
  return {
    async get(context, name) {
      await readStream(deps, context, name);
      const page = await listKindValues(deps.store, kinds.secrets, context.namespace);
      const items = page.items
        .filter(
          (secret) =>
            (secret.type === 'kubernetes.io/dockercfg' ||
              secret.type === 'kubernetes.io/dockerconfigjson' ||
              secret.type === 'kubernetes.io/podmanconfigjson') &&
            secret.metadata?.annotations?.['openshift.io/image.excludeSecret'] !== 'true',
        )
        .map((secret): Secret => ({ apiVersion: 'v1', kind: 'Secret', ...secret }));
      return { apiVersion: 'v1', kind: 'SecretList', metadata: { resourceVersion: page.resourceVersion }, items } satisfies SecretList;
    },
  };
}
