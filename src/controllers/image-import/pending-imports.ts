// Which spec tags of a stream wait for an import (SPEC §2.8): DockerImage tags that are not mere
// references, whose spec generation is ahead of both the newest tag event and any failure recorded
// for that generation.
import type { ImageStream, TagReference } from '../../image/image-stream.ts';
import type { ImageImportSpec } from '../../kube/kinds/image.ts';
import { observedGeneration } from '../../image/image-stream.ts';
import { referenceProblem } from '../../image/reference.ts';

export function pendingImports(stream: ImageStream): TagReference[] {
  return importableTags(stream).filter((tag) => (tag.generation ?? 0) > observedGeneration(stream, tag.name));
}

/** Tags an import can refresh: DockerImage sources that are not mere references. */
export function importableTags(stream: ImageStream): TagReference[] {
  return (stream.spec.tags ?? []).filter(hasImportableSource);
}

/**
 * A DockerImage source that is not a mere reference, and is a pull spec at all: a stream stored
 * before sources were validated may hold a malformed one, which no retry would ever import.
 */
export function hasImportableSource(tag: TagReference): tag is TagReference & { from: NonNullable<TagReference['from']> } {
  return tag.from?.kind === 'DockerImage' && !tag.reference && referenceProblem(tag.from.name) === undefined;
}

/** The annotation an import of `spec.dockerImageRepository` leaves, so it is not repeated. */
export const repositoryCheckAnnotation = 'openshift.io/image.dockerRepositoryCheck';

/**
 * The repository to import whole (SPEC §2.8 (a)): `spec.dockerImageRepository`, when the stream was
 * never checked against it (a new stream, or one whose repository changed).
 */
export function pendingRepository(stream: ImageStream): string | undefined {
  const repository = stream.spec.dockerImageRepository;
  return repository && !stream.metadata.annotations?.[repositoryCheckAnnotation] ? repository : undefined;
}

/**
 * The whole-repository import OpenShift's image stream controller asks for: insecure when the
 * stream says `openshift.io/image.insecureRepository: "true"`, so the spec tags it makes keep that
 * policy (and `describe` shows them insecure), as the import REST copies the repository's policy.
 */
export function repositoryImport(stream: ImageStream, repository: string): ImageImportSpec {
  const insecure = stream.metadata.annotations?.['openshift.io/image.insecureRepository'] === 'true';
  return { from: { kind: 'DockerImage', name: repository }, ...(insecure ? { importPolicy: { insecure: true } } : {}) };
}
