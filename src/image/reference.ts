// Image references as OpenShift parses them (SPEC §2.1): registry, namespace, name, tag and id,
// with the Docker Hub defaults applied only when asked.
import { AppError } from '../errors.ts';
import { isDigest } from './digest.ts';

export interface ImageReference {
  readonly registry: string;
  readonly namespace: string;
  /** May contain `/` when the path has more than two segments. */
  readonly name: string;
  readonly tag: string;
  /** A digest, or (legacy) any other id. */
  readonly id: string;
}

const component = /^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;

/** Whether `text` may be a tag: 1-128 letters, digits, `_`, `.` or `-`, not starting with `.` or `-`. */
export function isTagName(text: string): boolean {
  return tagPattern.test(text);
}

/** Parses `[registry/][namespace/]name[:tag][@id]`; BadRequest when it is not a reference. */
export function parseImageReference(text: string): ImageReference {
  const parsed = parse(text);
  if (typeof parsed === 'string') throw new AppError('BadRequest', `invalid reference "${text.slice(0, 200)}": ${parsed}`);
  return parsed;
}

/** Why `text` is not a reference, or undefined when it is one: for validation messages that name the field. */
export function referenceProblem(text: string): string | undefined {
  const parsed = parse(text);
  return typeof parsed === 'string' ? parsed : undefined;
}

function parse(text: string): ImageReference | string {
  if (text === '' || text.length > 1024 || /\s/.test(text)) return 'it must be a non-empty image name without spaces';
  let rest = text;
  let id = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    id = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!id) return 'nothing after @';
  }
  let tag = '';
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) return `"${tag.slice(0, 130)}" is not a valid tag`;
  }
  const segments = rest.split('/');
  let registry = '';
  if (segments.length > 1 && (segments[0].includes('.') || segments[0].includes(':') || segments[0] === 'localhost')) registry = segments.shift()!;
  if (registry && !/^[a-zA-Z0-9.-]+(:\d+)?$|^\[[0-9a-fA-F:.]+\](:\d+)?$/.test(registry)) return `"${registry}" is not a valid registry host`;
  if (segments.some((s) => !component.test(s))) return 'repository names must be lower case letters, digits and separators (. _ __ -)';
  const namespace = segments.length > 1 ? segments.shift()! : '';
  const name = segments.join('/');
  if (!name) return 'the name is missing';
  // Docker's grammar (which OpenShift parses with) caps the name, registry included, at 255.
  if (rest.length > 255) return 'the repository name must not be more than 255 characters';
  return { registry, namespace, name, tag, id };
}

/** Docker's defaults: `docker.io`, `library/` for Docker Hub names without a namespace, tag `latest`. */
export function withDockerDefaults(ref: ImageReference): ImageReference {
  const registry = ref.registry || 'docker.io';
  const namespace = !ref.namespace && (registry === 'docker.io' || registry === 'index.docker.io') ? 'library' : ref.namespace;
  return { ...ref, registry, namespace, tag: ref.tag || (ref.id ? '' : 'latest') };
}

/** `registry/namespace/name` followed by `:tag`, or `@id` when there is one. */
export function exactReference(ref: ImageReference): string {
  const repository = [ref.registry, ref.namespace, ref.name].filter(Boolean).join('/');
  if (ref.id) return isDigest(ref.id) ? `${repository}@${ref.id}` : `${repository}:${ref.id}`;
  return ref.tag ? `${repository}:${ref.tag}` : repository;
}

/** The repository part, `registry/namespace/name`. */
export function repositoryOf(ref: ImageReference): string {
  return [ref.registry, ref.namespace, ref.name].filter(Boolean).join('/');
}

/** Keeps the digest and drops the tag when both are given (MostSpecific). */
export function mostSpecific(ref: ImageReference): ImageReference {
  if (ref.id && isDigest(ref.id)) return { ...ref, tag: '' };
  if (ref.id && !ref.tag) return { ...ref, tag: ref.id, id: '' };
  return ref;
}

/** Docker Hub's API host for `docker.io` names (AsV2). */
export function registryApiHost(registry: string): string {
  return registry === 'docker.io' || registry === 'index.docker.io' ? 'registry-1.docker.io' : registry;
}
