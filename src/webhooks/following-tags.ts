// Which spec tags of a project follow a pushed registry/repository:tag: DockerImage sources that
// name it by tag (a digest-pinned source never moves). This is the only way a payload reaches an
// import, so a webhook can make the server ask only registries the project already tracks.
import type { ImageStream } from '../kube/kinds/image.ts';
import type { PushHint } from './payload-formats.ts';
import { parseImageReference, referenceProblem, withDockerDefaults } from '../image/reference.ts';

export interface FollowingTag {
  readonly stream: string;
  readonly tag: string;
}

/** Docker Hub's names for itself, as pull specs and payloads spell them. */
const dockerHubNames = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

function sameRegistry(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || (dockerHubNames.has(x) && dockerHubNames.has(y));
}

/** The spec tags of `streams` whose source is `registry/hint.repository:hint.tag`. */
export function followingTags(streams: readonly ImageStream[], hint: PushHint, registry: string): FollowingTag[] {
  const found: FollowingTag[] = [];
  for (const stream of streams) {
    for (const tag of stream.spec.tags ?? []) {
      if (tag.from?.kind !== 'DockerImage' || tag.reference || referenceProblem(tag.from.name)) continue;
      const source = withDockerDefaults(parseImageReference(tag.from.name));
      if (source.id) continue;
      const repository = [source.namespace, source.name].filter(Boolean).join('/');
      if (sameRegistry(source.registry, registry) && repository === hint.repository && source.tag === hint.tag)
        found.push({ stream: stream.metadata.name, tag: tag.name });
    }
  }
  return found;
}
