// Which spec tags of a stream wait for an import (SPEC §2.8): DockerImage tags that are not mere
// references, whose spec generation is ahead of both the newest tag event and any failure recorded
// for that generation.
import type { ImageStream, TagReference } from '../../image/image-stream.ts';
import { observedGeneration } from '../../image/image-stream.ts';

export function pendingImports(stream: ImageStream): TagReference[] {
  return (stream.spec.tags ?? []).filter((tag) => {
    if (tag.from?.kind !== 'DockerImage' || tag.reference) return false;
    return (tag.generation ?? 0) > observedGeneration(stream, tag.name);
  });
}
