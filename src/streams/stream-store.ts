// What the streams layer needs of the stored kinds it works on: image streams (with every rule the
// API applies to them: defaults, validation, generation, admission) and Images. The API's engine
// provides it; the streams layer never sees a request or a face.
import type { ImageStream } from '../image/image-stream.ts';
import type { KubeObject } from '../kube/object.ts';

export interface StreamStore {
  /** NotFound when the stream does not exist. */
  getStream(namespace: string, name: string): Promise<ImageStream>;
  /** AlreadyExists when it does. */
  createStream(namespace: string, stream: ImageStream, options?: { readonly withStatus?: boolean }): Promise<ImageStream>;
  /** Spec (and status too with `withStatus`); Conflict when `stream.metadata.resourceVersion` is stale. */
  updateStream(namespace: string, name: string, stream: ImageStream, options?: { readonly withStatus?: boolean }): Promise<ImageStream>;
  /** Status only, as the server's own writer; Conflict when stale. */
  updateStreamStatus(namespace: string, name: string, stream: ImageStream): Promise<ImageStream>;
  /** NotFound when there is no Image of this digest. */
  getImage(digest: string): Promise<KubeObject>;
  /** AlreadyExists when there is one. */
  createImage(image: KubeObject): Promise<KubeObject>;
  deleteImage(digest: string): Promise<void>;
}
