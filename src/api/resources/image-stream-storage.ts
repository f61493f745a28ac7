// The stored image streams of a catalogue, for the views, kinds and faces built on them. Its own
// module so that imagestreams.ts (which names its views) and the views (which read streams) do
// not import each other.
import type { ImageStream } from '../../image/image-stream.ts';
import type { ResourceCatalogue } from '../resource-definition.ts';
import type { RequestContext } from '../rest-storage.ts';
import { StoredResource } from '../stored-resource.ts';
import { isAppError } from '../../errors.ts';
import { imageGroup } from './images.ts';

/** The stream `name` in the context's namespace, or undefined when there is none. */
export async function findImageStream(resources: Pick<ResourceCatalogue, 'find' | 'storageFor'>, context: RequestContext, name: string): Promise<ImageStream | undefined> {
  try {
    return (await imageStreamStorage(resources).get(context, name)) as unknown as ImageStream;
  } catch (error) {
    if (isAppError(error, 'NotFound')) return undefined;
    throw error;
  }
}

/** The stored image streams of a catalogue, for the kinds and faces built on them. */
export function imageStreamStorage(resources: Pick<ResourceCatalogue, 'find' | 'storageFor'>): StoredResource {
  const storage = resources.storageFor(resources.find(imageGroup, 'v1', 'imagestreams')!);
  if (!(storage instanceof StoredResource)) throw new Error('image streams must be stored');
  return storage;
}
