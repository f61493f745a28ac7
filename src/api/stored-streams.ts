// The streams layer's StreamStore over the API's own engine, so every write the server makes to a
// stream passes the same defaults, validation and admission as a client's, acting as `context`.
import type { ImageStream } from '../image/image-stream.ts';
import type { KubeObject } from '../kube/object.ts';
import type { StreamStore } from '../streams/stream-store.ts';
import type { ResourceCatalogue } from './resource-definition.ts';
import type { RequestContext } from './rest-storage.ts';
import { imageStreamStorage } from './resources/image-stream-storage.ts';
import { images } from './resources/images.ts';

export function storedStreams(resources: Pick<ResourceCatalogue, 'find' | 'storageFor'>, context: RequestContext): StreamStore {
  const streams = imageStreamStorage(resources);
  const imageStorage = resources.storageFor(images);
  const inNamespace = (namespace: string): RequestContext => ({ ...context, namespace });
  const cluster: RequestContext = { ...context, namespace: undefined };
  // The engine stores and answers plain objects; these are image streams by construction.
  const asStream = (object: KubeObject) => object as unknown as ImageStream;
  const asObject = (stream: ImageStream) => stream as unknown as KubeObject;
  return {
    getStream: async (namespace, name) => asStream(await streams.get(inNamespace(namespace), name)),
    createStream: async (namespace, stream, options) => asStream(await streams.create(inNamespace(namespace), asObject(stream), { dryRun: false, withStatus: options?.withStatus })),
    updateStream: async (namespace, name, stream, options) => asStream(await streams.update(inNamespace(namespace), name, asObject(stream), { dryRun: false, withStatus: options?.withStatus })),
    updateStreamStatus: async (namespace, name, stream) => asStream(await streams.updateStatus(inNamespace(namespace), name, asObject(stream), { dryRun: false })),
    getImage: (digest) => imageStorage.get!(cluster, digest),
    createImage: (image) => imageStorage.create!(cluster, image, { dryRun: false }),
    deleteImage: async (digest) => {
      await imageStorage.delete!(cluster, digest, { dryRun: false });
    },
  };
}
