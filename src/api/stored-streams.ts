// The streams layer's StreamStore over the API's own engine, so every write the server makes to a
// stream passes the same defaults, validation and admission as a client's, acting as `context`.
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
  return {
    getStream: (namespace, name) => streams.get(inNamespace(namespace), name),
    createStream: (namespace, stream, options) => streams.create(inNamespace(namespace), stream, { dryRun: false, withStatus: options?.withStatus }),
    updateStream: (namespace, name, stream, options) =>
      streams.update(inNamespace(namespace), name, stream, { dryRun: false, withStatus: options?.withStatus }),
    updateStreamStatus: (namespace, name, stream) => streams.updateStatus(inNamespace(namespace), name, stream, { dryRun: false }),
    getImage: (digest) => imageStorage.get!(cluster, digest),
    createImage: (image) => imageStorage.create!(cluster, image, { dryRun: false }),
    deleteImage: async (digest) => {
      await imageStorage.delete!(cluster, digest, { dryRun: false });
    },
  };
}
