// The stored image streams of a catalogue, for the views, kinds and faces built on them. Its own
// module so that imagestreams.ts (which names its views) and the views (which read streams) do
// not import each other.
import type { ImageStream } from '../../kube/kinds/image.ts';
import type { ResourceCatalogue } from '../resource-definition.ts';
import type { RequestContext } from '../rest-storage.ts';
import type { StoredResource } from '../stored-resource.ts';
import { unlessNotFound } from '../../errors.ts';
import { storedResourceOf } from '../stored-resource.ts';
import { kinds } from '../../kube/kinds.ts';

/** The stream `name` in the context's namespace, or undefined when there is none. */
export function findImageStream(
  resources: Pick<ResourceCatalogue, 'find' | 'storageFor'>,
  context: RequestContext,
  name: string,
): Promise<ImageStream | undefined> {
  return unlessNotFound(imageStreamStorage(resources).get(context, name));
}

/** The stored image streams of a catalogue, for the kinds and faces built on them. */
export function imageStreamStorage(resources: Pick<ResourceCatalogue, 'find' | 'storageFor'>): StoredResource<ImageStream> {
  return storedResourceOf(resources, kinds.imageStreams);
}
