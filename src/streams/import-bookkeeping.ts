// What imports remember on a stream, in annotations: which secrets served and which upstream
// digest each tag came from (so an unchanged scheduled tag costs one HEAD). Both are kept true:
// a tag that leaves the stream and a secret that is deleted are forgotten at once.
import type { ImageStream } from '../image/image-stream.ts';
import type { ResourceStore } from '../store/resource-store.ts';
import { importSecretsAnnotation, sourceDigestsAnnotation } from '../image/bookkeeping-annotations.ts';
import { kinds } from '../kube/kinds.ts';
import { resourcePrefix } from '../kube/object.ts';
import { isAppError } from '../errors.ts';
import { kindValue } from '../store/kind-values.ts';

export { importSecretsAnnotation, sourceDigestsAnnotation } from '../image/bookkeeping-annotations.ts';

export function readSourceDigests(stream: ImageStream): Record<string, string> {
  try {
    return JSON.parse(stream.metadata.annotations?.[sourceDigestsAnnotation] ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
}

/** Forgets what imports remembered about `tag`, when the tag leaves the stream. */
export function forgetTagSource(stream: ImageStream, tag: string): void {
  const sources = readSourceDigests(stream);
  if (!(tag in sources)) return;
  delete sources[tag];
  const annotations = (stream.metadata.annotations ??= {});
  if (Object.keys(sources).length > 0) annotations[sourceDigestsAnnotation] = JSON.stringify(sources);
  else delete annotations[sourceDigestsAnnotation];
}

/** The secrets the latest import of the stream used, by name. */
export function importSecretsOf(stream: ImageStream): string[] {
  return (stream.metadata.annotations?.[importSecretsAnnotation] ?? '').split(',').filter(Boolean);
}

/** Forgets that imports used the secret `name`; returns whether the stream changed. */
export function forgetImportSecret(stream: ImageStream, name: string): boolean {
  const used = importSecretsOf(stream);
  if (!used.includes(name)) return false;
  const kept = used.filter((secret) => secret !== name);
  const annotations = (stream.metadata.annotations ??= {});
  if (kept.length > 0) annotations[importSecretsAnnotation] = kept.join(',');
  else delete annotations[importSecretsAnnotation];
  return true;
}

/**
 * Takes a deleted secret out of the bookkeeping of every stream of its namespace that names it.
 * It writes through the shared store, compare-and-swap, so every replica on it sees the same.
 */
export async function forgetDeletedSecret(store: Pick<ResourceStore, 'list' | 'get' | 'update'>, namespace: string, name: string): Promise<void> {
  const kind = kinds.imageStreams;
  const namesIt = (value: Record<string, unknown>) => importSecretsOf(kindValue(kind, value)).includes(name);
  const keys: string[] = [];
  let next: string | undefined;
  do {
    const page = await store.list(resourcePrefix(kind.group, kind.resource, namespace), { filter: namesIt, continue: next });
    keys.push(...page.items.map((item) => item.key));
    next = page.continue;
  } while (next);
  for (const key of keys) await forgetInStoredStream(store, key, name);
}

/** Retries on Conflict: another writer (an import, a user's edit) got there first. A stream deleted meanwhile needs nothing. */
async function forgetInStoredStream(store: Pick<ResourceStore, 'get' | 'update'>, key: string, name: string): Promise<void> {
  for (;;) {
    try {
      const current = await store.get(key);
      const stream = structuredClone(kindValue(kinds.imageStreams, current.value));
      if (!forgetImportSecret(stream, name)) return;
      await store.update(key, stream as unknown as Record<string, unknown>, current.resourceVersion);
      return;
    } catch (error) {
      if (isAppError(error, 'NotFound')) return;
      if (!isAppError(error, 'Conflict')) throw error;
    }
  }
}
