// image.openshift.io/v1 imagestreams: spec tags with OpenShift's defaults and generation rules, and
// a status whose repository is computed from the registry's public host (SPEC §1.1, §2.6).
import type { FieldCause } from '../../errors.ts';
import type { KubeObject } from '../../kube/object.ts';
import type { ResourceDefinition } from '../resource-definition.ts';
import type { ImageStream, TagReference } from '../../kube/kinds/image.ts';
import { allVerbs, identityOf } from '../resource-definition.ts';
import { kinds } from '../../kube/kinds.ts';
import { isPlainObject } from '../../kube/object.ts';
import { parseImageReference, referenceProblem } from '../../image/reference.ts';
import { imageStreamTable } from './image-tables.ts';
import { imageStreamLayersSchema, imageStreamSchema, secretListSchema } from './image-openapi.ts';
import { resolveChangedTags } from './imagestream-tags-changed.ts';
import { layersStorage, secretsStorage } from './imagestream-views.ts';
import { imageStreamSpecSchema } from '../schemas/image-types.ts';

const repositoryComponent = /^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*$/;
const tagName = /^[\w][\w.-]{0,127}$/;
const fromKinds = ['DockerImage', 'ImageStreamImage', 'ImageStreamTag'];
export const importModes = ['Legacy', 'PreserveOriginal'];

export function imageStreamDefinition(publicHost: () => string): ResourceDefinition<ImageStream> {
  return {
    ...identityOf(kinds.imageStreams),
    categories: ['all'],
    verbs: allVerbs,
    nameRule: 'path-segment',
    fields: ['spec', 'status'],
    schema: { spec: imageStreamSpecSchema },
    openApi: imageStreamSchema,
    hasGeneration: true,
    hasStatus: true,
    defaults: (object, old) => applyDefaults(object, old, publicHost()),
    validate: validateImageStream,
    validateClientStatus: onlyRemovesHistory,
    subresources: {
      layers: { kind: kinds.imageStreams.subresources.layers, verbs: ['get'], storage: layersStorage, openApi: imageStreamLayersSchema },
      secrets: { kind: kinds.imageStreams.subresources.secrets, kindGroup: '', verbs: ['get'], storage: secretsStorage, openApi: secretListSchema },
    },
    admit: resolveChangedTags,
    table: imageStreamTable,
  };
}

function applyDefaults(object: KubeObject, old: ImageStream | undefined, publicHost: string): void {
  // The body as sent: every field read here is checked before it is relied on.
  const stream = object as ImageStream;
  stream.spec = isPlainObject(stream.spec) ? stream.spec : {};
  const generation = stream.metadata.generation ?? 1;
  const oldTags = new Map((old?.spec?.tags ?? []).map((t) => [t.name, t]));
  for (const tag of Array.isArray(stream.spec.tags) ? stream.spec.tags : []) {
    if (!isPlainObject(tag)) continue;
    tag.importPolicy = { ...tag.importPolicy, importMode: tag.importPolicy?.importMode || 'Legacy' };
    tag.referencePolicy = { type: tag.referencePolicy?.type || 'Source' };
    const before = oldTags.get(tag.name);
    // A user may only ask for a re-import (generation 0); any other value keeps the old one.
    const requested = tag.generation;
    const changed =
      !before ||
      before.from?.name !== tag.from?.name ||
      before.from?.namespace !== tag.from?.namespace ||
      before.from?.kind !== tag.from?.kind ||
      Boolean(before.reference) !== Boolean(tag.reference) ||
      before.importPolicy?.importMode !== tag.importPolicy.importMode;
    if (changed || requested === 0 || requested === null || requested === undefined || !before?.generation) tag.generation = generation;
    else tag.generation = before.generation;
  }
  // A new repository has not been checked yet: the import controller imports it (SPEC §2.8).
  const before = old?.spec?.dockerImageRepository;
  if (old && before !== stream.spec.dockerImageRepository && stream.metadata.annotations)
    delete stream.metadata.annotations['openshift.io/image.dockerRepositoryCheck'];
  const status = (stream.status ??= {});
  if (!old) status.tags = (status.tags ?? []).filter((t) => (t.items?.length ?? 0) > 0 || (t.conditions?.length ?? 0) > 0);
  status.dockerImageRepository = `${publicHost}/${stream.metadata.namespace}/${stream.metadata.name}`;
  status.publicDockerImageRepository = status.dockerImageRepository;
}

function validateImageStream(object: KubeObject, old: ImageStream | undefined): FieldCause[] {
  // The body as sent, which this checks: its metadata already passed the engine's checks.
  const stream = object as ImageStream;
  const causes: FieldCause[] = [];
  const name = stream.metadata.name;
  if (!repositoryComponent.test(name) || name.length > 253)
    causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `${JSON.stringify(name)}: must match "${repositoryComponent.source}"` });
  if (`${stream.metadata.namespace}/${name}`.length > 255)
    causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: "'namespace/name' cannot be longer than 255 characters" });
  const repository: unknown = stream.spec.dockerImageRepository;
  if (repository !== undefined && repository !== '' && repository !== null) {
    let problem = typeof repository === 'string' ? '' : 'must be a string';
    if (!problem) {
      try {
        const ref = parseImageReference(repository as string);
        if (ref.tag || ref.id) problem = 'must be an image repository, without a tag or digest';
      } catch (error) {
        problem = (error as Error).message;
      }
    }
    if (problem)
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'spec.dockerImageRepository',
        message: `${JSON.stringify(String(repository).slice(0, 200))}: ${problem}`,
      });
  }
  const tags = stream.spec.tags ?? [];
  if (!Array.isArray(tags)) return [...causes, { reason: 'FieldValueInvalid', field: 'spec.tags', message: 'must be a list' }];
  const seen = new Set<string>();
  tags.forEach((tag: TagReference, i) => {
    const field = `spec.tags[${i}]`;
    if (!isPlainObject(tag) || typeof tag.name !== 'string' || !tagName.test(tag.name)) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: `${field}.name`,
        message: `${JSON.stringify((tag as TagReference)?.name)}: a tag must be 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'`,
      });
      return;
    }
    if (seen.has(tag.name)) causes.push({ reason: 'FieldValueDuplicate', field: `${field}.name`, message: JSON.stringify(tag.name) });
    seen.add(tag.name);
    if (tag.from !== undefined && tag.from !== null) {
      if (!fromKinds.includes(tag.from.kind))
        causes.push({
          reason: 'FieldValueRequired',
          field: `${field}.from.kind`,
          message: "valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag'",
        });
      if (!tag.from.name) causes.push({ reason: 'FieldValueRequired', field: `${field}.from.name`, message: '' });
      else if (tag.from.kind === 'DockerImage' && !isUnchangedSource(tag, old)) {
        const problem = typeof tag.from.name === 'string' ? referenceProblem(tag.from.name) : 'must be a string';
        if (problem)
          causes.push({
            reason: 'FieldValueInvalid',
            field: `${field}.from.name`,
            message: `${JSON.stringify(String(tag.from.name).slice(0, 200))}: ${problem}`,
          });
      }
      if (tag.importPolicy?.scheduled && tag.from.kind !== 'DockerImage')
        causes.push({
          reason: 'FieldValueInvalid',
          field: `${field}.importPolicy.scheduled`,
          message: 'only tags pointing to Docker repositories may be scheduled for background import',
        });
    }
    if (tag.importPolicy?.importMode && !importModes.includes(tag.importPolicy.importMode)) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: `${field}.importPolicy.importMode`,
        message: "invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'",
      });
    }
    if (tag.referencePolicy?.type && !['Source', 'Local'].includes(tag.referencePolicy.type)) {
      causes.push({ reason: 'FieldValueNotSupported', field: `${field}.referencePolicy.type`, message: 'valid values are "Source", "Local"' });
    }
  });
  return causes;
}

/**
 * A tag whose DockerImage source is what it was: a stream stored before sources were checked may
 * hold a malformed one, and must stay writable so that it can be corrected or removed.
 */
function isUnchangedSource(tag: TagReference, old: ImageStream | undefined): boolean {
  const before = old?.spec?.tags?.find((t) => t.name === tag.name);
  return before?.from?.kind === 'DockerImage' && before.from.name === tag.from?.name;
}

/**
 * What a client may do to a stream's status (`oc adm prune` does it): drop tag events and
 * conditions. Adding or changing one would let a client point the stream at content it never
 * pushed or imported, which the registry would then serve from this stream's repository.
 */
function onlyRemovesHistory(stream: ImageStream, old: ImageStream): FieldCause[] {
  const forbidden = (field: string): FieldCause => ({
    reason: 'FieldValueForbidden',
    field,
    message: 'the server records tag history; a client may only remove entries from it',
  });
  const status: unknown = stream.status;
  if (status !== undefined && status !== null && !isPlainObject(status))
    return [{ reason: 'FieldValueInvalid', field: 'status', message: 'must be an object' }];
  const tags: unknown = stream.status?.tags ?? [];
  if (!Array.isArray(tags)) return [{ reason: 'FieldValueInvalid', field: 'status.tags', message: 'must be a list' }];
  const before = new Map((old.status?.tags ?? []).map((t) => [t.tag, t]));
  const causes: FieldCause[] = [];
  tags.forEach((tag: unknown, i) => {
    const was = isPlainObject(tag) ? before.get(tag.tag as string) : undefined;
    if (!isPlainObject(tag) || !was) return void causes.push(forbidden(`status.tags[${i}]`));
    for (const part of ['items', 'conditions'] as const) {
      const entries: unknown = tag[part] ?? [];
      if (!Array.isArray(entries)) return void causes.push({ reason: 'FieldValueInvalid', field: `status.tags[${i}].${part}`, message: 'must be a list' });
      const known = new Set((was[part] ?? []).map((entry) => JSON.stringify(entry)));
      entries.forEach((entry, j) => {
        if (!known.has(JSON.stringify(entry))) causes.push(forbidden(`status.tags[${i}].${part}[${j}]`));
      });
    }
  });
  return causes;
}
