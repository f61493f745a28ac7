// What imports remember on a stream, in annotations: which secrets served and which upstream
// digest each tag came from (so an unchanged scheduled tag costs one HEAD).
import type { ImageStream } from '../image/image-stream.ts';
import { sourceDigestsAnnotation } from '../image/bookkeeping-annotations.ts';

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
