// What each sender's payload says was pushed, read into push hints: registry, repository, tag and
// (when the sender says) digest. Each format is read from its sender's documented shape; every
// field is checked before it is used, and events that are no tag push (pulls, deletes, layer
// pushes, pings) give no hint. A hint only ever selects tags a project already tracks.
import type { WebhookType } from '../kube/kinds/image.ts';
import { AppError } from '../errors.ts';
import { isPlainObject } from '../kube/object.ts';

export interface PushHint {
  /** The registry host the payload names, when it names one. */
  readonly registry?: string;
  /** The repository path within that registry (`org/app`). */
  readonly repository: string;
  readonly tag: string;
  /** The manifest digest the sender says the tag now has. */
  readonly digest?: string;
  /** The sender's id of this event, so a redelivery does nothing. */
  readonly deliveryId?: string;
}

/** Most hints one delivery may carry: a distribution envelope batches events, nothing sends hundreds. */
export const maxHintsPerDelivery = 100;

const repositoryPath = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const tagName = /^[\w][\w.-]{0,127}$/;
const digestText = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;
const hostText =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*(?::[0-9]{1,5})?$|^\[[0-9a-fA-F:.]+\](?::[0-9]{1,5})?$/;
const deliveryIdText = /^[\w.:-]{1,200}$/;

/** The manifest media types whose push moves a tag; a blob push is not one. */
const manifestTypes = new Set([
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
]);

type Reader = (body: unknown, headers: Headers) => PushHint[];

const readers: Record<WebhookType, Reader> = {
  distribution: readDistributionEnvelope,
  // GitLab's container registry is the distribution registry, and notifies with its envelope.
  gitlab: readDistributionEnvelope,
  dockerhub: readDockerHub,
  quay: readQuay,
  harbor: readHarbor,
  ghcr: readGitHubPackage,
  generic: readGeneric,
};

/** The push hints in a delivery of `type`; BadRequest naming the field when the body is not that format. */
export function readPushHints(type: WebhookType, body: unknown, headers: Headers): PushHint[] {
  if (!isPlainObject(body)) throw malformed('the body must be a JSON object');
  const hints = readers[type](body, headers);
  if (hints.length > maxHintsPerDelivery) throw malformed(`a delivery may name at most ${maxHintsPerDelivery} pushed tags`);
  return hints;
}

/** `{"events": [{id, action, target: {mediaType, repository, tag, digest}, request: {host}}]}` (distribution's notifications). */
function readDistributionEnvelope(body: unknown): PushHint[] {
  const events = field(body, 'events');
  if (!Array.isArray(events)) throw malformed('events must be a list');
  if (events.length > maxHintsPerDelivery) throw malformed(`a delivery may carry at most ${maxHintsPerDelivery} events`);
  const hints: PushHint[] = [];
  events.forEach((event: unknown, i) => {
    if (!isPlainObject(event)) throw malformed(`events[${i}] must be an object`);
    const target = event.target;
    if (!isPlainObject(target)) throw malformed(`events[${i}].target must be an object`);
    if (event.action !== 'push' || !manifestTypes.has(String(target.mediaType)) || target.tag === undefined || target.tag === '') return;
    const request = isPlainObject(event.request) ? event.request : {};
    hints.push({
      registry: optional(request.host, hostText, `events[${i}].request.host`),
      repository: required(target.repository, repositoryPath, `events[${i}].target.repository`),
      tag: required(target.tag, tagName, `events[${i}].target.tag`),
      digest: optional(target.digest, digestText, `events[${i}].target.digest`),
      deliveryId: optional(event.id, deliveryIdText, `events[${i}].id`),
    });
  });
  return hints;
}

/** `{"push_data": {"tag"}, "repository": {"repo_name"}}` (Docker Hub): no digest, no delivery id. */
function readDockerHub(body: unknown): PushHint[] {
  const push = field(body, 'push_data');
  const repository = field(body, 'repository');
  if (!isPlainObject(push)) throw malformed('push_data must be an object');
  if (!isPlainObject(repository)) throw malformed('repository must be an object');
  const name = required(repository.repo_name, repositoryPath, 'repository.repo_name');
  // Official images are named without their `library/` namespace.
  return [{ registry: 'docker.io', repository: name.includes('/') ? name : `library/${name}`, tag: required(push.tag, tagName, 'push_data.tag') }];
}

/** `{"docker_url": "quay.io/ns/repo", "repository": "ns/repo", "updated_tags": [...]}` (Quay's repository push). */
function readQuay(body: unknown): PushHint[] {
  const tags = field(body, 'updated_tags');
  if (!Array.isArray(tags)) throw malformed('updated_tags must be a list');
  const repository = required(field(body, 'repository'), repositoryPath, 'repository');
  const dockerUrl = field(body, 'docker_url');
  let registry: string | undefined;
  if (dockerUrl !== undefined) {
    if (typeof dockerUrl !== 'string' || dockerUrl.length > 512) throw malformed('docker_url must be a pull spec');
    registry = optional(dockerUrl.split('/', 1)[0], hostText, 'docker_url');
  }
  return tags.map((tag: unknown, i) => ({ registry, repository, tag: required(tag, tagName, `updated_tags[${i}]`) }));
}

/**
 * Harbor's `PUSH_ARTIFACT`: `{"type", "event_data": {"resources": [{tag, digest, resource_url}], "repository": {"repo_full_name"}}}`,
 * or the same as a CloudEvent (`harbor.artifact.pushed`, the fields under `data`).
 */
function readHarbor(body: unknown): PushHint[] {
  const type = field(body, 'type');
  const cloudEvent = field(body, 'specversion') !== undefined;
  if (type !== (cloudEvent ? 'harbor.artifact.pushed' : 'PUSH_ARTIFACT')) return [];
  const data = field(body, cloudEvent ? 'data' : 'event_data');
  if (!isPlainObject(data)) throw malformed(`${cloudEvent ? 'data' : 'event_data'} must be an object`);
  const resources = data.resources;
  if (!Array.isArray(resources)) throw malformed('event_data.resources must be a list');
  const repository = required(
    isPlainObject(data.repository) ? data.repository.repo_full_name : undefined,
    repositoryPath,
    'event_data.repository.repo_full_name',
  );
  const hints: PushHint[] = [];
  resources.forEach((resource: unknown, i) => {
    if (!isPlainObject(resource)) throw malformed(`event_data.resources[${i}] must be an object`);
    if (resource.tag === undefined || resource.tag === '') return;
    const url = resource.resource_url;
    if (url !== undefined && (typeof url !== 'string' || url.length > 512)) throw malformed(`event_data.resources[${i}].resource_url must be a pull spec`);
    hints.push({
      registry: url ? optional(url.split('/', 1)[0], hostText, `event_data.resources[${i}].resource_url`) : undefined,
      repository,
      tag: required(resource.tag, tagName, `event_data.resources[${i}].tag`),
      digest: optional(resource.digest, digestText, `event_data.resources[${i}].digest`),
      deliveryId: cloudEvent ? optional(field(body, 'id'), deliveryIdText, 'id') : undefined,
    });
  });
  return hints;
}

/**
 * GitHub's `registry_package` and `package` events (`X-GitHub-Event`) for container packages:
 * the tag and digest in `package_version.container_metadata.tag`, the delivery in `X-GitHub-Delivery`.
 */
function readGitHubPackage(body: unknown, headers: Headers): PushHint[] {
  const event = headers.get('x-github-event');
  if (event !== 'registry_package' && event !== 'package') return [];
  const action = field(body, 'action');
  if (action !== 'published' && action !== 'updated') return [];
  const pkg = field(body, event);
  if (!isPlainObject(pkg)) throw malformed(`${event} must be an object`);
  const type = String(pkg.package_type ?? pkg.ecosystem ?? '').toLowerCase();
  if (type !== 'container' && type !== 'docker') return [];
  const version = pkg.package_version;
  if (!isPlainObject(version)) throw malformed(`${event}.package_version must be an object`);
  const metadata = isPlainObject(version.container_metadata) ? version.container_metadata : {};
  const tag = isPlainObject(metadata.tag) ? metadata.tag : {};
  if (tag.name === undefined || tag.name === '') return [];
  const owner = required(typeof pkg.namespace === 'string' ? pkg.namespace.toLowerCase() : pkg.namespace, repositoryPath, `${event}.namespace`);
  const name = required(typeof pkg.name === 'string' ? pkg.name.toLowerCase() : pkg.name, repositoryPath, `${event}.name`);
  const registry = isPlainObject(pkg.registry) ? optional(pkg.registry.host, hostText, `${event}.registry.host`) : undefined;
  return [
    {
      registry: registry ?? 'ghcr.io',
      repository: `${owner}/${name}`,
      tag: required(tag.name, tagName, `${event}.package_version.container_metadata.tag.name`),
      digest: optional(tag.digest, digestText, `${event}.package_version.container_metadata.tag.digest`),
      deliveryId: optional(headers.get('x-github-delivery') ?? undefined, deliveryIdText, 'the X-GitHub-Delivery header'),
    },
  ];
}

/** `{"repository": "[host/]path", "tag", "digest"}`, the delivery (optionally) in `X-Delivery-Id`. */
function readGeneric(body: unknown, headers: Headers): PushHint[] {
  const repository = field(body, 'repository');
  if (typeof repository !== 'string' || repository.length > 512) throw malformed('repository must be a repository name, like registry.example.com/team/app');
  const first = repository.split('/', 1)[0];
  const named = repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return [
    {
      registry: named ? optional(first, hostText, 'repository') : undefined,
      repository: required(named ? repository.slice(first.length + 1) : repository, repositoryPath, 'repository'),
      tag: required(field(body, 'tag'), tagName, 'tag'),
      digest: optional(field(body, 'digest'), digestText, 'digest'),
      deliveryId: optional(headers.get('x-delivery-id') ?? undefined, deliveryIdText, 'the X-Delivery-Id header'),
    },
  ];
}

function field(body: unknown, name: string): unknown {
  return isPlainObject(body) ? body[name] : undefined;
}

function required(value: unknown, pattern: RegExp, name: string): string {
  if (typeof value !== 'string' || value.length > 255 || !pattern.test(value)) throw malformed(`${name} is missing or not valid`);
  return value;
}

function optional(value: unknown, pattern: RegExp, name: string): string | undefined {
  return value === undefined || value === null || value === '' ? undefined : required(value, pattern, name);
}

function malformed(message: string): AppError {
  return new AppError('BadRequest', `the payload is not a valid notification: ${message}`);
}
