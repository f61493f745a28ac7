// Read-only views of a stream: imagestreamimages (`stream@digest-or-prefix`, SPEC §1.5),
// imagestreams/layers (every image and blob the stream references, §1.8) and imagestreams/secrets
// (the namespace's pull secrets the importer may use, §1.1).
import { imageStreamStorage } from './image-stream-storage.ts';
import type { KubeObject } from '../../kube/object.ts';
import type { ResourceDefinition, StorageDeps } from '../resource-definition.ts';
import type { RequestContext, RestStorage } from '../rest-storage.ts';
import type { ImageStream } from '../../image/image-stream.ts';
import { images, imageGroup } from './images.ts';
import { AppError, isAppError, notFound, unlessNotFound } from '../../errors.ts';
import { resourcePrefix } from '../../kube/object.ts';

export const imagestreamimages: ResourceDefinition = {
  group: imageGroup,
  version: 'v1',
  kind: 'ImageStreamImage',
  resource: 'imagestreamimages',
  singular: 'imagestreamimage',
  shortNames: ['isimage'],
  namespaced: true,
  verbs: ['get'],
  nameRule: 'path-segment',
  fields: ['image'],
  storage: (deps) => ({ get: (context, name) => imageStreamImage(deps, context, name) }),
};

async function readStream(deps: StorageDeps, context: RequestContext, name: string): Promise<ImageStream> {
  const streams = imageStreamStorage(deps.resources);
  return (await streams.get!(context, name)) as unknown as ImageStream;
}

function readImage(deps: StorageDeps, context: RequestContext, digest: string): Promise<KubeObject | undefined> {
  return unlessNotFound(deps.resources.storageFor(images).get!({ ...context, namespace: undefined }, digest));
}

/** Every image the stream references: its history, and the children of manifest lists in it. */
export async function referencedImages(deps: StorageDeps, context: RequestContext, stream: ImageStream): Promise<Map<string, KubeObject | undefined>> {
  const found = new Map<string, KubeObject | undefined>();
  for (const tag of stream.status?.tags ?? []) {
    for (const item of tag.items ?? []) {
      if (!item.image || found.has(item.image)) continue;
      const image = await readImage(deps, context, item.image);
      found.set(item.image, image);
      for (const child of ((image?.dockerImageManifests ?? []) as { digest: string }[])) if (!found.has(child.digest)) found.set(child.digest, await readImage(deps, context, child.digest));
    }
  }
  return found;
}

async function imageStreamImage(deps: StorageDeps, context: RequestContext, name: string): Promise<KubeObject> {
  const at = name.indexOf('@');
  if (at <= 0 || at === name.length - 1 || name.indexOf('@', at + 1) >= 0) throw new AppError('BadRequest', 'ImageStreamImages must be retrieved with <name>@<id>');
  const streamName = name.slice(0, at);
  const id = name.slice(at + 1);
  let stream: ImageStream;
  try {
    stream = await readStream(deps, context, streamName);
  } catch (error) {
    if (isAppError(error, 'NotFound')) throw notFound('imagestreamimages', name, imageGroup);
    throw error;
  }
  const matches = [...(await referencedImages(deps, context, stream)).entries()].filter(([digest]) => digest.startsWith(id) || digest.split(':')[1].startsWith(id));
  if (matches.length === 0 || !matches[0][1]) throw notFound('imagestreamimages', name, imageGroup);
  if (matches.length > 1) throw new AppError('Conflict', `multiple images match the prefix "${id}": ${matches.map(([d]) => d).join(', ')}`);
  const { dockerImageManifest: _m, dockerImageConfig: _c, ...image } = matches[0][1];
  return {
    apiVersion: `${imageGroup}/v1`,
    kind: 'ImageStreamImage',
    metadata: { name, namespace: context.namespace, uid: stream.metadata.uid as string, resourceVersion: stream.metadata.resourceVersion as string, creationTimestamp: image.metadata?.creationTimestamp, ...(stream.metadata.annotations ? { annotations: stream.metadata.annotations } : {}) },
    image,
  };
}

export function layersStorage(deps: StorageDeps): RestStorage {
  return {
    async get(context, name) {
      const stream = await readStream(deps, context, name);
      const blobs: Record<string, { size: number; mediaType: string }> = {};
      const imagesOut: Record<string, { imageMissing?: boolean; layers?: string[]; config?: string; manifests?: string[] }> = {};
      for (const [digest, image] of await referencedImages(deps, context, stream)) {
        if (!image) {
          imagesOut[digest] = { imageMissing: true };
          continue;
        }
        const children = (image.dockerImageManifests ?? []) as { digest: string }[];
        if (children.length > 0) {
          imagesOut[digest] = { manifests: children.map((c) => c.digest) };
          continue;
        }
        const layers = (image.dockerImageLayers ?? []) as { name: string; size: number; mediaType: string }[];
        for (const layer of layers) blobs[layer.name] = { size: layer.size, mediaType: layer.mediaType };
        const config = (image.dockerImageMetadata as { Id?: string } | undefined)?.Id;
        if (config?.startsWith('sha')) blobs[config] = { size: 0, mediaType: 'application/vnd.docker.container.image.v1+json' };
        imagesOut[digest] = { layers: layers.map((l) => l.name), ...(config?.startsWith('sha') ? { config } : {}) };
      }
      return { apiVersion: `${imageGroup}/v1`, kind: 'ImageStreamLayers', metadata: { name, namespace: context.namespace, uid: stream.metadata.uid as string, resourceVersion: stream.metadata.resourceVersion as string }, blobs, images: imagesOut };
    },
  };
}

export function secretsStorage(deps: StorageDeps): RestStorage {
  return {
    async get(context, name) {
      await readStream(deps, context, name);
      const page = await deps.store.list(resourcePrefix('', 'secrets', context.namespace));
      const items = page.items
        .map((item) => item.value as KubeObject)
        .filter((secret) => (secret.type === 'kubernetes.io/dockercfg' || secret.type === 'kubernetes.io/dockerconfigjson') && secret.metadata?.annotations?.['openshift.io/image.excludeSecret'] !== 'true')
        .map((secret) => ({ apiVersion: 'v1', kind: 'Secret', ...secret }));
      return { apiVersion: 'v1', kind: 'SecretList', metadata: { resourceVersion: page.resourceVersion }, items } as unknown as KubeObject;
    },
  };
}
