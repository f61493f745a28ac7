// image.openshift.io/v1 imagestreamimports (create only, SPEC §1.7, §2.4): imports images from other
// registries with the namespace's pull secrets, and (unless `import: false`) records the results
// on the stream: tag events for what worked, ImportSuccess=False conditions for what did not.
import { imageStreamStorage } from './imagestreams.ts';
import type { KubeObject } from '../../kube/object.ts';
import type { ResourceDefinition, StorageDeps } from '../resource-definition.ts';
import type { RequestContext, RestStorage } from '../rest-storage.ts';
import type { ImageStream } from '../../image/image-stream.ts';
import type { ImportedImage, ImportMode } from '../../importer/importer.ts';
import type { ImportStatus, TagImportPolicy } from './import-results.ts';
import { images, imageGroup } from './images.ts';
import { AppError, asAppError, invalid, isAppError, notFound, type FieldCause } from '../../errors.ts';
import { formatTimestamp, isPlainObject, resourcePrefix } from '../../kube/object.ts';
import { CredentialKeyring } from '../../importer/upstream/credentials.ts';
import { Importer, upstreamOf } from '../../importer/importer.ts';
import { parseImageReference, exactReference } from '../../image/reference.ts';
import { ensureSpecTag, importFailureStatus, recordFailure, recordSuccess } from './import-results.ts';
import { prioritizedTags } from '../../image/tag-priority.ts';
import { RepositoryLinks, repositoryOf } from '../../streams/repository-links.ts';
import { copyImageLinks } from '../../streams/image-links.ts';

interface ImageSpec {
  from: { kind: string; name: string };
  to?: { name: string };
  importPolicy?: TagImportPolicy;
  referencePolicy?: { type?: string };
  includeManifest?: boolean;
}

export const imagestreamimports: ResourceDefinition = {
  group: imageGroup,
  version: 'v1',
  kind: 'ImageStreamImport',
  resource: 'imagestreamimports',
  singular: 'imagestreamimport',
  shortNames: ['isimport'],
  namespaced: true,
  verbs: ['create'],
  nameRule: 'path-segment',
  fields: ['spec', 'status'],
  storage: (deps) => importStorage(deps),
};

function validate(body: KubeObject): { images: ImageSpec[]; repository?: ImageSpec } {
  const spec = isPlainObject(body.spec) ? body.spec : {};
  const causes: FieldCause[] = [];
  const imagesSpec = (Array.isArray(spec.images) ? spec.images : []) as ImageSpec[];
  const repository = isPlainObject(spec.repository) ? (spec.repository as unknown as ImageSpec) : undefined;
  if (imagesSpec.length === 0 && !repository) causes.push({ reason: 'FieldValueRequired', field: 'spec.images', message: 'you must specify at least one image or a repository import' });
  imagesSpec.forEach((image, i) => {
    if (image.from?.kind !== 'DockerImage') causes.push({ reason: 'FieldValueInvalid', field: `spec.images[${i}].from.kind`, message: 'only DockerImage is supported' });
    else if (!image.from.name) causes.push({ reason: 'FieldValueRequired', field: `spec.images[${i}].from.name`, message: '' });
    if (image.to && !image.to.name) causes.push({ reason: 'FieldValueRequired', field: `spec.images[${i}].to.name`, message: 'the name of the target tag must be specified' });
    const mode = image.importPolicy?.importMode;
    if (mode && mode !== 'Legacy' && mode !== 'PreserveOriginal') causes.push({ reason: 'FieldValueInvalid', field: `spec.images[${i}].importPolicy.importMode`, message: "invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'" });
  });
  if (repository) {
    if (repository.from?.kind !== 'DockerImage') causes.push({ reason: 'FieldValueInvalid', field: 'spec.repository.from.kind', message: 'only DockerImage is supported' });
    else {
      try {
        const ref = parseImageReference(repository.from.name);
        if (ref.tag || ref.id) causes.push({ reason: 'FieldValueInvalid', field: 'spec.repository.from.name', message: 'you must specify an image repository, not a tag or ID' });
      } catch {
        causes.push({ reason: 'FieldValueInvalid', field: 'spec.repository.from.name', message: 'the provided repository name is not valid' });
      }
    }
  }
  if (causes.length > 0) throw invalid('ImageStreamImport', body.metadata?.name ?? '', causes, imageGroup);
  return {
    images: imagesSpec.map((image) => {
      if (image.to?.name) return image;
      try {
        const tag = parseImageReference(image.from.name).tag;
        return tag ? { ...image, to: { name: tag } } : image;
      } catch {
        return image;
      }
    }),
    repository,
  };
}

function importStorage(deps: StorageDeps): RestStorage {
  const streams = () => imageStreamStorage(deps.resources);
  return {
    async create(context, body) {
      const name = body.metadata?.name ?? '';
      if (!context.namespace) throw new AppError('BadRequest', 'a namespace must be specified to import images');
      const spec = validate(body);
      const doImport = isPlainObject(body.spec) && body.spec.import === true;
      let stream: ImageStream | undefined;
      try {
        stream = (await streams().get(context, name)) as unknown as ImageStream;
      } catch (error) {
        if (!isAppError(error, 'NotFound')) throw error;
        if (body.metadata?.resourceVersion || body.metadata?.uid) throw notFound('imagestreams', name, imageGroup);
      }
      if (stream && body.metadata?.resourceVersion && body.metadata.resourceVersion !== stream.metadata.resourceVersion) {
        throw new AppError('Conflict', `the image stream was updated from "${body.metadata.resourceVersion}" to "${stream.metadata.resourceVersion}"`, { subject: { name, group: imageGroup, kind: 'imagestreamimports' } });
      }
      const self = deps.services.selfRegistry;
      const fromSelf = self ? [...spec.images.map((i) => i.from.name), ...(spec.repository ? [spec.repository.from.name] : [])].some((name) => name.startsWith(`${self.host}/`)) : false;
      // Imports from this server's own registry read as the importing namespace's service accounts.
      const selfToken = fromSelf && self ? await self.pullToken(context.namespace) : undefined;
      try {
        const keyring = await namespaceKeyring(deps, context.namespace, selfToken ? { host: self!.host, token: selfToken.token } : undefined);
        if (!deps.services.createRegistryClient) throw new AppError('Unavailable', 'importing images is not configured on this server');
        const client = deps.services.createRegistryClient(keyring);
        // Only images this stream already holds are reused unfetched: an upstream can name any
        // digest, and reusing another project's Image for it would hand over its metadata.
        const knownImage = heldImageLookup(deps, context, stream);
        const importer = new Importer({ client, platform: deps.services.platform ?? { architecture: 'amd64', os: 'linux' }, knownImage });
        const streamInsecure = stream?.metadata.annotations?.['openshift.io/image.insecureRepository'] === 'true';
        const specTag = (tag?: string) => stream?.spec.tags?.find((t) => t.name === tag);
        const run = async (from: string, tag: string | undefined, policy: TagImportPolicy | undefined) => {
          if (self && from.startsWith(`${self.host}/`)) {
            const refused = await selfPullRefusal(self, context.namespace!, from);
            if (refused) return { failure: refused };
            policy = { ...policy, insecure: true };
          }
          const annotations = specTag(tag)?.annotations ?? {};
          const mode = (policy?.importMode || specTag(tag)?.importPolicy?.importMode || 'Legacy') as ImportMode;
          try {
            return { result: await importer.importImage({ from, importMode: mode, insecure: Boolean(policy?.insecure) || streamInsecure, preferArch: annotations['importer.image.openshift.io/prefer-arch'], preferOs: annotations['importer.image.openshift.io/prefer-os'] }, context.signal) };
          } catch (error) {
            const appError = asAppError(error);
            if (appError.kind === 'Internal' && !(error instanceof AppError)) throw error;
            return { failure: importFailureStatus(appError, from) };
          }
        };
        const imageResults: { spec: ImageSpec; outcome: Awaited<ReturnType<typeof run>> }[] = [];
        for (const image of spec.images) imageResults.push({ spec: image, outcome: await run(image.from.name, image.to?.name, image.importPolicy) });
        const repositoryResults: { tag: string; from: string; outcome: Awaited<ReturnType<typeof run>> }[] = [];
        let additionalTags: string[] = [];
        let repositoryStatus: ImportStatus | undefined;
        if (spec.repository) {
          const ref = parseImageReference(spec.repository.from.name);
          try {
            const tags = prioritizedTags(await client.listTags(upstreamOf(ref, Boolean(spec.repository.importPolicy?.insecure) || streamInsecure), context.signal));
            const cap = deps.services.maxImagesBulkImported ?? 50;
            const chosen = cap < 0 ? tags : tags.slice(0, cap);
            additionalTags = cap < 0 ? [] : tags.slice(cap);
            for (const tag of chosen) {
              const from = exactReference({ ...ref, tag, id: '' });
              repositoryResults.push({ tag, from, outcome: await run(from, tag, spec.repository.importPolicy) });
            }
            const failed = repositoryResults.filter((r) => r.outcome.failure).length;
            repositoryStatus = failed === 0 ? { status: 'Success', reason: '', message: '', code: 200 } : { status: 'Failure', reason: 'ImportFailed', message: failed === 1 ? 'one of the images from this repository failed to import' : `${failed} of the images from this repository failed to import`, code: 500 };
          } catch (error) {
            repositoryStatus = importFailureStatus(asAppError(error), spec.repository.from.name);
          }
        }
        const statusOf = (outcome: Awaited<ReturnType<typeof run>>) => (outcome.failure ? { ...outcome.failure, kind: 'Status', apiVersion: 'v1', metadata: {} } : { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 });
        const present = (result: ImportedImage | undefined, includeManifest: boolean | undefined) => (result ? stripManifest(result.image, includeManifest) : undefined);
        let persisted: ImageStream | undefined = stream;
        if (doImport) {
          persisted = await applyImport(deps, context, name, stream, [
            ...imageResults.filter((r) => r.spec.to?.name).map((r) => ({ tag: r.spec.to!.name, from: r.spec.from.name, policy: r.spec.importPolicy, referencePolicy: r.spec.referencePolicy?.type, outcome: r.outcome })),
            ...repositoryResults.map((r) => ({ tag: r.tag, from: r.from, policy: spec.repository!.importPolicy, referencePolicy: spec.repository!.referencePolicy?.type, outcome: r.outcome })),
          ], client.usedCredentials, self?.host);
        }
        return {
          apiVersion: `${imageGroup}/v1`,
          kind: 'ImageStreamImport',
          metadata: { name, namespace: context.namespace },
          spec: body.spec,
          status: {
            ...(persisted && doImport ? { import: persisted } : {}),
            images: imageResults.map((r) => ({ tag: r.spec.to?.name, status: statusOf(r.outcome), image: present(r.outcome.result, r.spec.includeManifest), ...(r.outcome.result?.children.length ? { manifests: r.outcome.result.children.map((c) => stripManifest(c, false)) } : {}) })),
            ...(spec.repository
              ? { repository: { status: { kind: 'Status', apiVersion: 'v1', metadata: {}, ...repositoryStatus }, images: repositoryResults.map((r) => ({ tag: r.tag, status: statusOf(r.outcome), image: present(r.outcome.result, false) })), additionalTags } }
              : {}),
          },
        };
      } finally {
        await selfToken?.release();
      }
    },
  };
}

/**
 * An Image by digest when this stream's history names it, or names a manifest list holding it;
 * undefined otherwise. Lists are read only when a digest is not named directly.
 */
function heldImageLookup(deps: StorageDeps, context: RequestContext, stream: ImageStream | undefined): (digest: string) => Promise<KubeObject | undefined> {
  const imageStorage = deps.resources.storageFor(images);
  const named = new Set((stream?.status?.tags ?? []).flatMap((tag) => (tag.items ?? []).map((item) => item.image).filter(Boolean)));
  const read = async (digest: string): Promise<KubeObject | undefined> => {
    try {
      return stripManifest(await imageStorage.get!({ ...context, namespace: undefined }, digest), false);
    } catch (error) {
      if (isAppError(error, 'NotFound')) return undefined;
      throw error;
    }
  };
  let children: Promise<Set<string>> | undefined;
  const childrenOfLists = async () => {
    const found = new Set<string>();
    for (const digest of named) for (const child of ((await read(digest))?.dockerImageManifests ?? []) as { digest: string }[]) found.add(child.digest);
    return found;
  };
  return async (digest) => {
    if (named.has(digest)) return read(digest);
    return (await (children ??= childrenOfLists())).has(digest) ? read(digest) : undefined;
  };
}

async function applyImport(deps: StorageDeps, context: RequestContext, name: string, existing: ImageStream | undefined, results: { tag: string; from: string; policy?: TagImportPolicy; referencePolicy?: string; outcome: { result?: ImportedImage; failure?: ImportStatus } }[], usedCredentials: ReadonlySet<string>, selfHost: string | undefined): Promise<ImageStream> {
  const streams = imageStreamStorage(deps.resources);
  const imageStorage = deps.resources.storageFor(images);
  const system = { ...context, namespace: undefined, can: async () => true };
  for (const { outcome } of results) {
    for (const image of [...(outcome.result?.children ?? []), ...(outcome.result ? [outcome.result.image] : [])]) {
      await imageStorage.create!(system, stripManifest(image, false), { dryRun: false }).catch((error: unknown) => {
        if (!isAppError(error, 'AlreadyExists')) throw error;
      });
    }
  }
  // An import from this server's own registry read the source repository as the namespace's
  // service accounts; what that repository holds of the image is now held here too.
  const links = new RepositoryLinks(deps.store);
  for (const { from, outcome } of results) {
    if (!selfHost || !outcome.result || !from.startsWith(`${selfHost}/`)) continue;
    const source = parseImageReference(from);
    if (!source.namespace) continue;
    await copyImageLinks({ store: deps.store, links }, outcome.result.image.metadata!.name!, repositoryOf(source.namespace, source.name), repositoryOf(context.namespace!, name));
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = formatTimestamp(deps.clock.now());
    const stream: ImageStream = existing ? structuredClone(existing) : { apiVersion: `${imageGroup}/v1`, kind: 'ImageStream', metadata: { name, namespace: context.namespace }, spec: {} };
    for (const r of results) ensureSpecTag(stream, r.tag, r.from, r.policy ?? {}, r.referencePolicy, Boolean(r.outcome.result));
    const annotations = (stream.metadata.annotations ??= {});
    annotations['openshift.io/image.dockerRepositoryCheck'] = now;
    if (usedCredentials.size > 0) annotations['imagestream.io/import-secrets'] = [...usedCredentials].sort().join(',');
    const sources = readSourceDigests(stream);
    for (const r of results) if (r.outcome.result) sources[r.tag] = r.outcome.result.sourceDigest;
    if (Object.keys(sources).length > 0) annotations[sourceDigestsAnnotation] = JSON.stringify(sources);
    // Spec and status in one write, so nobody (the import controller) sees the new spec tag without its result.
    const specChanged = !existing || JSON.stringify(existing.spec) !== JSON.stringify(stream.spec);
    const generation = existing ? (existing.metadata.generation ?? 1) + (specChanged ? 1 : 0) : 1;
    for (const tag of stream.spec.tags ?? []) if (results.some((r) => r.tag === tag.name) && !tag.generation) tag.generation = generation;
    for (const r of results) {
      if (r.outcome.result) recordSuccess(stream, r.tag, r.outcome.result.reference, r.outcome.result.image.metadata!.name!, generation, now);
      else if (r.outcome.failure) recordFailure(stream, r.tag, r.outcome.failure, stream.spec.tags?.find((t) => t.name === r.tag)?.generation ?? generation, now);
    }
    try {
      const options = { dryRun: false, withStatus: true };
      return (existing ? await streams.update(context, name, stream as unknown as KubeObject, options) : await streams.create(context, stream as unknown as KubeObject, options)) as unknown as ImageStream;
    } catch (error) {
      if (!isAppError(error, 'Conflict') && !isAppError(error, 'AlreadyExists')) throw error;
      existing = (await streams.get(context, name).catch(() => undefined)) as unknown as ImageStream | undefined;
    }
  }
  throw new AppError('Conflict', `the image stream ${name} kept changing while the import was recorded; try again`);
}

/** Where the importer remembers which upstream digest each tag was imported from. */
export const sourceDigestsAnnotation = 'imagestream.io/source-digests';

export function readSourceDigests(stream: ImageStream): Record<string, string> {
  try {
    return JSON.parse(stream.metadata.annotations?.[sourceDigestsAnnotation] ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
}

/**
 * The scheduled tags of a stream whose upstream moved, asked with one HEAD each and the namespace's
 * credentials. Tags whose check fails count as changed, so the import reports the failure.
 */
export async function changedUpstreamTags(deps: Pick<StorageDeps, 'store' | 'services'>, stream: ImageStream, tags: readonly { name: string; from: string; insecure: boolean }[], signal: AbortSignal): Promise<string[]> {
  if (!deps.services.createRegistryClient) return [];
  const client = deps.services.createRegistryClient(await namespaceKeyring(deps, stream.metadata.namespace!));
  const known = readSourceDigests(stream);
  const changed: string[] = [];
  for (const tag of tags) {
    try {
      const reference = parseImageReference(tag.from);
      const digest = await client.headManifest(upstreamOf(reference, tag.insecure || stream.metadata.annotations?.['openshift.io/image.insecureRepository'] === 'true'), reference.id || reference.tag || 'latest', signal);
      if (!digest || digest !== known[tag.name]) changed.push(tag.name);
    } catch {
      changed.push(tag.name);
    }
  }
  return changed;
}

function stripManifest(image: KubeObject, keep: boolean | undefined): KubeObject {
  if (keep) return image;
  const { dockerImageManifest: _m, dockerImageConfig: _c, ...rest } = image;
  return rest;
}

/** The namespace's registry credentials: dockercfg and dockerconfigjson secrets not excluded from import. */
async function selfPullRefusal(self: NonNullable<StorageDeps['services']['selfRegistry']>, namespace: string, from: string): Promise<ImportStatus | undefined> {
  const path = parseImageReference(from);
  if (!path.namespace) return undefined;
  if (await self.mayPull(namespace, path.namespace, path.name)) return undefined;
  return {
    status: 'Failure',
    reason: 'Forbidden',
    message: `the service accounts of project "${namespace}" may not pull from ${path.namespace}/${path.name}: grant it with 'ims policy add-role-to-group system:image-puller system:serviceaccounts:${namespace} -n ${path.namespace}'`,
    code: 403,
  };
}

export async function namespaceKeyring(deps: Pick<StorageDeps, 'store'>, namespace: string, self?: { host: string; token: string }): Promise<CredentialKeyring> {
  const page = await deps.store.list(resourcePrefix('', 'secrets', namespace));
  const configs: { source: string; content: unknown }[] = [];
  for (const item of page.items) {
    const secret = item.value as { metadata?: { name?: string; annotations?: Record<string, string> }; type?: string; data?: Record<string, string> };
    if (secret.metadata?.annotations?.['openshift.io/image.excludeSecret'] === 'true') continue;
    const key = secret.type === 'kubernetes.io/dockerconfigjson' ? '.dockerconfigjson' : secret.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : undefined;
    const data = key ? secret.data?.[key] : undefined;
    if (!data) continue;
    try {
      configs.push({ source: secret.metadata?.name ?? '', content: JSON.parse(Buffer.from(data, 'base64').toString('utf8')) });
    } catch {
      // validated on write; skip anything unreadable
    }
  }
  if (self) configs.unshift({ source: `system:serviceaccount:${namespace}:default`, content: { auths: { [self.host]: { username: 'serviceaccount', password: self.token } } } });
  return CredentialKeyring.fromDockerConfigs(configs);
}
