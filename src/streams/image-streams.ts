// The image-stream service: how the server reads a stream and records what happened to it (a tag
// pointed at an image, an image forgotten, a retry noted, an import deferred), each write with one retry-on-conflict.
// Faces and controllers call it; it knows no request, face or HTTP.
import type { Clock } from '../lib/clock.ts';
import type { KubeObject } from '../kube/object.ts';
import type { ImageStream, TagEvent } from '../image/image-stream.ts';
import type { StreamStore } from './stream-store.ts';
import { conflict, isAppError, retryOnConflict, unlessNotFound } from '../errors.ts';
import { latestTagEvent, recordTagEvent } from '../image/image-stream.ts';
import { formatTimestamp } from '../kube/object.ts';
import { deferredReason, withNextAttempt } from '../image/next-attempt.ts';
import { forgetTagSource } from './import-bookkeeping.ts';

const imageGroup = 'image.openshift.io';

export interface ImageStreamsDeps {
  readonly store: StreamStore;
  readonly clock: Clock;
}

export class ImageStreams {
  private readonly store: StreamStore;
  private readonly clock: Clock;

  constructor(deps: ImageStreamsDeps) {
    this.store = deps.store;
    this.clock = deps.clock;
  }

  /** The stream, or undefined when there is none. */
  find(namespace: string, name: string): Promise<ImageStream | undefined> {
    return unlessNotFound(this.store.getStream(namespace, name));
  }

  /** The stream, created empty if there is none (a push by tag provisions its stream, SPEC §8.4). */
  async ensure(namespace: string, name: string): Promise<ImageStream> {
    const created = await this.store
      .createStream(namespace, { apiVersion: `${imageGroup}/v1`, kind: 'ImageStream', metadata: { name }, spec: {} })
      .catch((error: unknown) => {
        if (isAppError(error, 'AlreadyExists')) return undefined;
        throw error;
      });
    return created ?? this.store.getStream(namespace, name);
  }

  /**
   * Adds `image` to the history of `tag` (SPEC §1.6). On a conflict it tries again only while
   * nobody else moved that tag meanwhile; otherwise the conflict is the caller's answer.
   * NotFound when the stream does not exist. `current`, a stream the caller just read, saves the
   * first read.
   */
  async recordTag(
    namespace: string,
    name: string,
    tag: string,
    image: { readonly digest: string; readonly reference: string },
    current?: ImageStream,
  ): Promise<void> {
    let first: { seen: TagEvent | undefined } | undefined;
    await retryOnConflict(10, async (attempt) => {
      const stream = attempt === 1 && current ? structuredClone(current) : await this.store.getStream(namespace, name);
      const before = latestTagEvent(stream, tag);
      // A write from the caller's earlier read that met a conflict only tells us the stream moved:
      // the first read of our own is what "nobody moved this tag meanwhile" is measured against.
      if (attempt === 2 && current) first = undefined;
      if (!first) first = { seen: before };
      else if (before?.image !== first.seen?.image || before?.dockerImageReference !== first.seen?.dockerImageReference)
        throw conflict('imagestreams', name, imageGroup);
      const event = {
        created: formatTimestamp(this.clock.now()),
        dockerImageReference: image.reference,
        image: image.digest,
        generation: stream.metadata.generation ?? 1,
      };
      if (recordTagEvent(stream, tag, event)) await this.store.updateStreamStatus(namespace, name, stream);
    });
  }

  /**
   * Changes the stream's status with `change`, re-read and retried on conflicts; `change` returns
   * false when there is nothing to write. False when the stream is gone or nothing changed.
   */
  async updateStatus(namespace: string, name: string, change: (stream: ImageStream) => boolean): Promise<boolean> {
    return retryOnConflict(5, async () => {
      const stream = await this.find(namespace, name);
      if (!stream || !change(stream)) return false;
      await this.store.updateStreamStatus(namespace, name, stream);
      return true;
    });
  }

  /** Says on the failed import conditions of `tags` when the scheduler tries again (SPEC §2.9). */
  noteRetry(namespace: string, name: string, retries: readonly { readonly tag: string; readonly at: Date }[]): Promise<boolean> {
    return this.updateStatus(namespace, name, (stream) => {
      let changed = false;
      for (const tag of stream.status?.tags ?? []) {
        const at = retries.find((r) => r.tag === tag.tag)?.at;
        if (!at) continue;
        for (const condition of tag.conditions ?? []) {
          if (condition.status !== 'False') continue;
          const message = withNextAttempt(condition.message, at);
          changed ||= message !== condition.message;
          condition.message = message;
        }
      }
      return changed;
    });
  }

  /**
   * Marks tags whose import the scheduler put off (their registry's rate limit is spent) with an
   * ImportSuccess=False condition of reason `RateLimited` at the tag's generation, saying why and
   * when it tries again; their history, and so their current image, stays.
   */
  deferImports(namespace: string, name: string, deferrals: readonly { readonly tag: string; readonly message: string; readonly at: Date }[]): Promise<boolean> {
    return this.updateStatus(namespace, name, (stream) => {
      let changed = false;
      for (const { tag, message, at } of deferrals) {
        const spec = stream.spec.tags?.find((t) => t.name === tag);
        if (!spec) continue;
        const tags = ((stream.status ??= {}).tags ??= []);
        let status = tags.find((t) => t.tag === tag);
        if (!status) {
          status = { tag, items: [] };
          tags.push(status);
          tags.sort((a, b) => a.tag.localeCompare(b.tag));
        }
        const noted = withNextAttempt(message, at);
        const same = status.conditions?.find((c) => c.type === 'ImportSuccess' && c.reason === deferredReason);
        if (same?.message === noted && same.generation === (spec.generation ?? 0)) continue;
        status.conditions = [
          {
            type: 'ImportSuccess',
            status: 'False',
            reason: deferredReason,
            message: noted,
            generation: spec.generation ?? 0,
            lastTransitionTime: same?.lastTransitionTime ?? formatTimestamp(this.clock.now()),
          },
        ];
        changed = true;
      }
      return changed;
    });
  }

  /** Drops the failed or deferred import conditions of `tags`: a check found them at their upstream image after all. */
  clearImportFailures(namespace: string, name: string, tags: readonly string[]): Promise<boolean> {
    return this.updateStatus(namespace, name, (stream) => {
      let changed = false;
      for (const status of stream.status?.tags ?? []) {
        if (!tags.includes(status.tag) || !status.conditions?.some((c) => c.type === 'ImportSuccess' && c.status === 'False')) continue;
        status.conditions = status.conditions.filter((c) => !(c.type === 'ImportSuccess' && c.status === 'False'));
        if (status.conditions.length === 0) delete status.conditions;
        changed = true;
      }
      return changed;
    });
  }

  /**
   * Removes `tag` from the stream's spec and history, as `ims tag -d` does; false when the stream
   * has no such tag. Spec and status are written together: the tag disappears at once.
   */
  removeTag(namespace: string, name: string, tag: string): Promise<boolean> {
    return retryOnConflict(10, async () => {
      const stream = await this.find(namespace, name);
      const inSpec = stream?.spec.tags?.some((t) => t.name === tag);
      const inStatus = stream?.status?.tags?.some((t) => t.tag === tag);
      if (!stream || (!inSpec && !inStatus)) return false;
      stream.spec.tags = (stream.spec.tags ?? []).filter((t) => t.name !== tag);
      if (stream.status) stream.status.tags = (stream.status.tags ?? []).filter((t) => t.tag !== tag);
      forgetTagSource(stream, tag);
      await this.store.updateStream(namespace, name, stream, { withStatus: true });
      return true;
    });
  }

  /** Drops `digest` from every tag's history, as deleting a manifest drops its tags in a registry. */
  forgetImage(namespace: string, name: string, digest: string): Promise<boolean> {
    return this.updateStatus(namespace, name, (stream) => {
      const tags = stream.status?.tags ?? [];
      if (!tags.some((t) => t.items?.some((i) => i.image === digest))) return false;
      stream.status!.tags = tags
        .map((t) => ({ ...t, items: (t.items ?? []).filter((i) => i.image !== digest) }))
        .filter((t) => t.items.length > 0 || (t.conditions?.length ?? 0) > 0);
      return true;
    });
  }

  findImage(digest: string): Promise<KubeObject | undefined> {
    return unlessNotFound(this.store.getImage(digest));
  }

  /** Stores a server-made Image; false when one of this digest exists (it has the same content). */
  async createImage(image: KubeObject): Promise<boolean> {
    return this.store.createImage(image).then(
      () => true,
      (error: unknown) => {
        if (isAppError(error, 'AlreadyExists')) return false;
        throw error;
      },
    );
  }

  deleteImage(digest: string): Promise<void> {
    return this.store.deleteImage(digest);
  }
}
