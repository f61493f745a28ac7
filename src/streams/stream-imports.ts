// Running an import into a stream (SPEC §2.4-§2.6): fetch each image or a repository's tags with
// the namespace's pull secrets, then (when asked) record the results on the stream in one write —
// tag events for what worked, one ImportSuccess=False condition for what did not (a repository's
// tags in batches as they finish, so that its progress shows). The API's
// imagestreamimports and the import controllers both call it.
import type { KubeObject } from '../kube/object.ts';
import type { ResourceStore } from '../store/resource-store.ts';
import type { ImageStream, TagReference } from '../image/image-stream.ts';
import type { ImportedImage, ImportMode } from '../importer/importer.ts';
import type { RegistryClient } from '../importer/upstream/registry-client.ts';
import type { StreamStore } from './stream-store.ts';
import type { ImportStatus, TagImportPolicy } from './import-results.ts';
import { AppError, asAppError, isAppError, notFound, retryOnConflict, unlessNotFound } from '../errors.ts';
import { formatTimestamp, resourcePrefix } from '../kube/object.ts';
import { CredentialKeyring } from '../importer/upstream/credentials.ts';
import { Importer, upstreamOf } from '../importer/importer.ts';
import { exactReference, isTagName, parseImageReference } from '../image/reference.ts';
import { prioritizedTags } from '../image/tag-priority.ts';
import { isIndexMediaType } from '../image/media-types.ts';
import { ensureSpecTag, importFailureStatus, recordFailure, recordSuccess } from './import-results.ts';
import { RepositoryLinks, repositoryOf } from './repository-links.ts';
import { copyImageLinks } from './image-links.ts';
import { holdImages } from './image-holds.ts';
import { importSecretsAnnotation, readSourceDigests, sourceDigestsAnnotation } from './import-bookkeeping.ts';
import { importProgressAnnotation, type ImportProgress } from '../image/bookkeeping-annotations.ts';

const imageGroup = 'image.openshift.io';

/** What an import needs of the rest of the server. */
export interface ImportServices {
  /** A client for other registries that answers with these credentials. */
  readonly createRegistryClient?: (keyring: CredentialKeyring) => RegistryClient;
  /** The server's own platform, the default choice from manifest lists. */
  readonly platform?: { readonly architecture: string; readonly os: string };
  /** Most tags a repository import takes (-1: all). */
  readonly maxImagesBulkImported?: number;
  /** This server's own registry, which imports read as the importing namespace's service accounts. */
  readonly selfRegistry?: {
    readonly host: string;
    /** Whether the service accounts of `namespace` may pull from the stream. */
    mayPull(namespace: string, sourceNamespace: string, sourceName: string): Promise<boolean>;
    /** A short-lived token of the `default` service account of `namespace`, and a way to revoke it. */
    pullToken(namespace: string): Promise<{ token: string; release: () => Promise<void> }>;
  };
}

export interface ImageImportSpec {
  readonly from: { readonly kind: string; readonly name: string };
  readonly to?: { readonly name: string };
  readonly importPolicy?: TagImportPolicy;
  readonly referencePolicy?: { readonly type?: string };
  readonly includeManifest?: boolean;
}

export interface ImportRequest {
  readonly namespace: string;
  readonly name: string;
  readonly images: readonly ImageImportSpec[];
  readonly repository?: ImageImportSpec;
  /** Record the results on the stream (`spec.import`); false only previews them. */
  readonly record: boolean;
  /** The stream the caller saw, if it said (SPEC §2.4 step 3). */
  readonly expected?: { readonly resourceVersion?: string; readonly uid?: string };
  /** What asked for the import, recorded on the tag events it adds (`import-image`, `schedule`, `webhook NAME`…). */
  readonly cause?: string;
}

export interface ImportOutcome {
  readonly result?: ImportedImage;
  readonly failure?: ImportStatus;
}

export interface ImportReport {
  /** The stream as recorded, or as it was when only previewing. */
  readonly stream?: ImageStream;
  readonly images: readonly { readonly spec: ImageImportSpec; readonly outcome: ImportOutcome }[];
  readonly repository?: {
    readonly status: ImportStatus;
    readonly images: readonly { readonly tag: string; readonly from: string; readonly outcome: ImportOutcome }[];
    readonly additionalTags: readonly string[];
  };
}

export interface StreamImportsDeps {
  readonly streams: StreamStore;
  /** For the namespace's pull secrets and the registry's repository links. */
  readonly store: ResourceStore;
  readonly clock: { now(): Date };
  readonly services: ImportServices;
}

export class StreamImports {
  private readonly deps: StreamImportsDeps;

  constructor(deps: StreamImportsDeps) {
    this.deps = deps;
  }

  async importImages(request: ImportRequest, signal: AbortSignal): Promise<ImportReport> {
    const { namespace, name } = request;
    const { services } = this.deps;
    const stream = await unlessNotFound(this.deps.streams.getStream(namespace, name));
    if (!stream && (request.expected?.resourceVersion || request.expected?.uid)) throw notFound('imagestreams', name, imageGroup);
    if (stream && request.expected?.resourceVersion && request.expected.resourceVersion !== stream.metadata.resourceVersion) {
      throw new AppError(
        'Conflict',
        `the image stream was updated from "${request.expected.resourceVersion}" to "${String(stream.metadata.resourceVersion)}"`,
        { subject: { name, group: imageGroup, kind: 'imagestreamimports' } },
      );
    }
    const self = services.selfRegistry;
    const sources = [...request.images.map((i) => i.from.name), ...(request.repository ? [request.repository.from.name] : [])];
    // Imports from this server's own registry read as the importing namespace's service accounts.
    const selfToken = self && sources.some((source) => source.startsWith(`${self.host}/`)) ? await self.pullToken(namespace) : undefined;
    try {
      const keyring = await namespaceKeyring(this.deps.store, namespace, selfToken ? { host: self!.host, token: selfToken.token } : undefined);
      if (!services.createRegistryClient) throw new AppError('Unavailable', 'importing images is not configured on this server');
      const client = services.createRegistryClient(keyring);
      // Only images this stream already holds are reused unfetched: an upstream can name any
      // digest, and reusing another project's Image for it would hand over its metadata.
      const importer = new Importer({
        client,
        platform: services.platform ?? { architecture: 'amd64', os: 'linux' },
        knownImage: heldImageLookup(this.deps.streams, stream),
      });
      const streamInsecure = stream?.metadata.annotations?.['openshift.io/image.insecureRepository'] === 'true';
      const specTag = (tag?: string) => stream?.spec.tags?.find((t) => t.name === tag);
      const run = async (from: string, tag: string | undefined, given: TagImportPolicy | undefined): Promise<ImportOutcome> => {
        let policy = given;
        if (self && from.startsWith(`${self.host}/`)) {
          const refused = await selfPullRefusal(self, namespace, from);
          if (refused) return { failure: refused };
          policy = { ...policy, insecure: true };
        }
        const annotations = specTag(tag)?.annotations ?? {};
        const mode = (policy?.importMode || specTag(tag)?.importPolicy?.importMode || 'Legacy') as ImportMode;
        try {
          return {
            result: await importer.importImage(
              {
                from,
                importMode: mode,
                insecure: Boolean(policy?.insecure) || streamInsecure,
                preferArch: annotations['importer.image.openshift.io/prefer-arch'],
                preferOs: annotations['importer.image.openshift.io/prefer-os'],
              },
              signal,
            ),
          };
        } catch (error) {
          // Interrupted (the server stopping, the client gone): no outcome to record; the stream keeps what it had.
          if (signal.aborted) throw error;
          const appError = asAppError(error);
          if (appError.kind === 'Internal' && !(error instanceof AppError)) throw error;
          return { failure: importFailureStatus(appError, from) };
        }
      };
      const images: { spec: ImageImportSpec; outcome: ImportOutcome }[] = [];
      for (const image of request.images) images.push({ spec: image, outcome: await run(image.from.name, image.to?.name, image.importPolicy) });
      const pending: RecordedResult[] = images
        .filter((r) => r.spec.to?.name)
        .map((r) => ({
          tag: r.spec.to!.name,
          from: r.spec.from.name,
          policy: r.spec.importPolicy,
          referencePolicy: r.spec.referencePolicy?.type,
          outcome: r.outcome,
        }));
      let recorded = stream;
      const flush = async (progress?: ImportProgress) => {
        recorded = await this.record(request, recorded, pending.splice(0), client.usedCredentials, progress);
      };
      // A repository import records its tags in batches as they finish, with how far it is, so
      // that a watcher of the stream (`ims import-image --all` on a terminal) sees it progress;
      // the last write, below, records the rest and ends the progress.
      const batches = request.record ? progressBatches(flush) : undefined;
      const repository = request.repository
        ? await this.importRepository(request.repository, client, streamInsecure, run, signal, (done, total, result) => {
            pending.push({
              tag: result.tag,
              from: result.from,
              policy: request.repository!.importPolicy,
              referencePolicy: request.repository!.referencePolicy?.type,
              outcome: result.outcome,
            });
            return batches?.finished(done, total, result.tag);
          })
        : undefined;
      if (request.record) await flush();
      return { stream: recorded, images, repository };
    } finally {
      await selfToken?.release();
    }
  }

  /** Up to the bulk limit of a repository's tags, highest priority first (SPEC §2.11). */
  private async importRepository(
    spec: ImageImportSpec,
    client: RegistryClient,
    streamInsecure: boolean,
    run: (from: string, tag: string, policy: TagImportPolicy | undefined) => Promise<ImportOutcome>,
    signal: AbortSignal,
    finished: (done: number, total: number, result: { tag: string; from: string; outcome: ImportOutcome }) => Promise<void> | undefined,
  ): Promise<NonNullable<ImportReport['repository']>> {
    const ref = parseImageReference(spec.from.name);
    const images: { tag: string; from: string; outcome: ImportOutcome }[] = [];
    // This server's own registry is plain HTTP to itself, as for one tag (run() above).
    const self = this.deps.services.selfRegistry;
    const fromSelf = self !== undefined && spec.from.name.startsWith(`${self.host}/`);
    // A batch that could not be written is the server's failure, not the repository's.
    let writeFailure: { error: unknown } | undefined;
    try {
      const insecure = Boolean(spec.importPolicy?.insecure) || streamInsecure || fromSelf;
      // A name another registry lists that cannot be a tag here could never be stored: it is not chosen.
      const tags = prioritizedTags((await client.listTags(upstreamOf(ref, insecure), signal)).filter(isTagName));
      const cap = this.deps.services.maxImagesBulkImported ?? 50;
      const chosen = cap < 0 ? tags : tags.slice(0, cap);
      for (const tag of chosen) {
        const from = exactReference({ ...ref, tag, id: '' });
        const result = { tag, from, outcome: await run(from, tag, spec.importPolicy) };
        images.push(result);
        await finished(images.length, chosen.length, result)?.catch((error: unknown) => {
          writeFailure = { error };
          throw error;
        });
      }
      const failed = images.filter((r) => r.outcome.failure).length;
      const status: ImportStatus =
        failed === 0
          ? { status: 'Success', reason: '', message: '', code: 200 }
          : {
              status: 'Failure',
              reason: 'ImportFailed',
              message:
                failed === 1 ? 'one of the images from this repository failed to import' : `${failed} of the images from this repository failed to import`,
              code: 500,
            };
      return { status, images, additionalTags: cap < 0 ? [] : tags.slice(cap) };
    } catch (error) {
      if (writeFailure) throw writeFailure.error;
      if (signal.aborted) throw error;
      return { status: importFailureStatus(asAppError(error), spec.from.name), images, additionalTags: [] };
    }
  }

  /** Writes the Images, then spec and status of the stream in one write; `progress` while a repository import goes on. */
  private async record(
    request: ImportRequest,
    existing: ImageStream | undefined,
    results: readonly RecordedResult[],
    usedCredentials: ReadonlySet<string>,
    progress?: ImportProgress,
  ): Promise<ImageStream> {
    const { namespace, name } = request;
    const { streams } = this.deps;
    const imported = results.flatMap(({ outcome }) => [...(outcome.result?.children ?? []), ...(outcome.result ? [outcome.result.image] : [])]);
    // Held until the stream names them, so that a prune cannot delete them in between (image-holds.ts).
    const hold = await holdImages(
      this.deps,
      imported.map((image) => image.metadata!.name!),
    );
    try {
      for (const image of imported) {
        if (hold.present.has(image.metadata!.name!)) continue;
        await streams.createImage(withoutManifest(image)).catch((error: unknown) => {
          if (!isAppError(error, 'AlreadyExists')) throw error;
        });
      }
      return await this.recordStream(request, existing, results, usedCredentials, progress);
    } finally {
      await hold.release();
    }
  }

  /** Links what an import from this server's own registry brought, then writes spec and status of the stream in one write. */
  private async recordStream(
    request: ImportRequest,
    existing: ImageStream | undefined,
    results: readonly RecordedResult[],
    usedCredentials: ReadonlySet<string>,
    progress: ImportProgress | undefined,
  ): Promise<ImageStream> {
    const { namespace, name } = request;
    const { streams } = this.deps;
    // An import from this server's own registry read the source repository as the namespace's
    // service accounts; what that repository holds of the image is now held here too.
    const selfHost = this.deps.services.selfRegistry?.host;
    const links = new RepositoryLinks(this.deps.store);
    for (const { from, outcome } of results) {
      if (!selfHost || !outcome.result || !from.startsWith(`${selfHost}/`)) continue;
      const source = parseImageReference(from);
      if (source.namespace)
        await copyImageLinks(
          { store: this.deps.store, links },
          outcome.result.image.metadata!.name!,
          repositoryOf(source.namespace, source.name),
          repositoryOf(namespace, name),
        );
    }
    let current = existing;
    return retryOnConflict(5, async (attempt) => {
      if (attempt > 1) current = await unlessNotFound(streams.getStream(namespace, name));
      const stream = withResults(current, namespace, name, results, usedCredentials, formatTimestamp(this.deps.clock.now()), request.cause, progress);
      // Spec and status in one write, so nobody (the import controller) sees the new spec tag without its result.
      return current
        ? streams.updateStream(namespace, name, stream, { withStatus: true })
        : streams.createStream(namespace, stream, { withStatus: true }).catch((error: unknown) => {
            throw isAppError(error, 'AlreadyExists') ? new AppError('Conflict', `the image stream ${name} was created meanwhile`) : error;
          });
    }).catch((error: unknown) => {
      throw isAppError(error, 'Conflict') ? new AppError('Conflict', `the image stream ${name} kept changing while the import was recorded; try again`) : error;
    });
  }

  /**
   * Imports spec tags of kind DockerImage and records them, as the import controllers do; with
   * `repository` (the import of the stream's spec.dockerImageRepository), its tags too, the spec
   * tags made for them keeping its import policy (SPEC §2.8, §2.11).
   */
  async importTags(
    namespace: string,
    name: string,
    tags: readonly TagReference[],
    signal: AbortSignal,
    repository?: ImageImportSpec,
    cause?: string,
  ): Promise<ImportReport> {
    const images = tags
      .filter((t) => t.from?.kind === 'DockerImage')
      .map((t) => ({
        from: { kind: 'DockerImage', name: t.from!.name },
        to: { name: t.name },
        importPolicy: t.importPolicy,
        referencePolicy: t.referencePolicy,
      }));
    return this.importImages({ namespace, name, images, repository, record: true, cause }, signal);
  }

  /**
   * The scheduled tags of a stream whose upstream moved, asked with one HEAD each and the namespace's
   * credentials. Tags whose check fails count as changed, so the import reports the failure.
   */
  async changedUpstreamTags(stream: ImageStream, tags: readonly { name: string; from: string; insecure: boolean }[], signal: AbortSignal): Promise<string[]> {
    return (await this.checkUpstreamTags(stream, tags, signal)).filter((check) => check.moved).map((check) => check.name);
  }

  /**
   * What one HEAD per tag says upstream: whether the tag moved from the digest it was imported from
   * (a failed check counts as moved, so an import reports the failure), whether it is a manifest
   * list, and the error of a failed check.
   */
  async checkUpstreamTags(
    stream: ImageStream,
    tags: readonly { name: string; from: string; insecure: boolean }[],
    signal: AbortSignal,
  ): Promise<UpstreamTagCheck[]> {
    if (!this.deps.services.createRegistryClient) return [];
    const client = this.deps.services.createRegistryClient(await namespaceKeyring(this.deps.store, stream.metadata.namespace!));
    const known = readSourceDigests(stream);
    const checks: UpstreamTagCheck[] = [];
    for (const tag of tags) {
      try {
        const reference = parseImageReference(tag.from);
        const found = await client.checkManifest(
          upstreamOf(reference, tag.insecure || stream.metadata.annotations?.['openshift.io/image.insecureRepository'] === 'true'),
          reference.id || reference.tag || 'latest',
          signal,
        );
        checks.push({ name: tag.name, moved: !found.digest || found.digest !== known[tag.name], manifestList: isIndexMediaType(found.mediaType ?? '') });
      } catch (error) {
        if (signal.aborted) throw error;
        checks.push({ name: tag.name, moved: true, manifestList: false, error: asAppError(error) });
      }
    }
    return checks;
  }
}

export interface UpstreamTagCheck {
  readonly name: string;
  readonly moved: boolean;
  readonly manifestList: boolean;
  readonly error?: AppError;
}

type RecordedResult = { tag: string; from: string; policy?: TagImportPolicy; referencePolicy?: string; outcome: ImportOutcome };

/**
 * When a repository import writes what it has so far: after its first tag (a watcher learns the
 * total at once), then about every tenth of the tags or every second, whichever comes first; never
 * at the last tag, which the import's final write records.
 */
function progressBatches(flush: (progress: ImportProgress) => Promise<void>) {
  let flushed = 0;
  let flushedAt = performance.now();
  return {
    async finished(done: number, total: number, tag: string): Promise<void> {
      if (done >= total) return;
      const due = flushed === 0 || done - flushed >= Math.ceil(total / 10) || performance.now() - flushedAt >= 1000;
      if (!due) return;
      await flush({ done, total, tag });
      flushed = done;
      flushedAt = performance.now();
    },
  };
}

/** The stream with the import's results in spec, status and annotations (SPEC §2.6). */
function withResults(
  existing: ImageStream | undefined,
  namespace: string,
  name: string,
  results: readonly RecordedResult[],
  usedCredentials: ReadonlySet<string>,
  now: string,
  cause: string | undefined,
  progress?: ImportProgress,
): ImageStream {
  const stream: ImageStream = existing
    ? structuredClone(existing)
    : { apiVersion: `${imageGroup}/v1`, kind: 'ImageStream', metadata: { name, namespace }, spec: {} };
  for (const r of results) ensureSpecTag(stream, r.tag, r.from, r.policy ?? {}, r.referencePolicy, Boolean(r.outcome.result));
  const annotations = (stream.metadata.annotations ??= {});
  annotations['openshift.io/image.dockerRepositoryCheck'] = now;
  // Bookkeeping that stays true: the secrets the latest import used (none: no annotation), and the
  // upstream digests of tags the stream still has.
  if (usedCredentials.size > 0) annotations[importSecretsAnnotation] = [...usedCredentials].sort().join(',');
  else delete annotations[importSecretsAnnotation];
  const sources = readSourceDigests(stream);
  for (const r of results) if (r.outcome.result) sources[r.tag] = r.outcome.result.sourceDigest;
  const tags = new Set((stream.spec.tags ?? []).map((t) => t.name));
  for (const tag of Object.keys(sources)) if (!tags.has(tag)) delete sources[tag];
  if (Object.keys(sources).length > 0) annotations[sourceDigestsAnnotation] = JSON.stringify(sources);
  else delete annotations[sourceDigestsAnnotation];
  if (progress) annotations[importProgressAnnotation] = JSON.stringify(progress);
  else delete annotations[importProgressAnnotation];
  const specChanged = !existing || JSON.stringify(existing.spec) !== JSON.stringify(stream.spec);
  const generation = existing ? (existing.metadata.generation ?? 1) + (specChanged ? 1 : 0) : 1;
  for (const tag of stream.spec.tags ?? []) if (results.some((r) => r.tag === tag.name) && !tag.generation) tag.generation = generation;
  for (const r of results) {
    if (r.outcome.result)
      recordSuccess(stream, r.tag, { reference: r.outcome.result.reference, digest: r.outcome.result.image.metadata!.name! }, generation, now, cause);
    else if (r.outcome.failure) recordFailure(stream, r.tag, r.outcome.failure, stream.spec.tags?.find((t) => t.name === r.tag)?.generation ?? generation, now);
  }
  return stream;
}

/**
 * An Image by digest when this stream's history names it, or names a manifest list holding it;
 * undefined otherwise. Lists are read only when a digest is not named directly.
 */
function heldImageLookup(streams: Pick<StreamStore, 'getImage'>, stream: ImageStream | undefined): (digest: string) => Promise<KubeObject | undefined> {
  const named = new Set((stream?.status?.tags ?? []).flatMap((tag) => (tag.items ?? []).map((item) => item.image).filter(Boolean)));
  const read = async (digest: string) => {
    const image = await unlessNotFound(streams.getImage(digest));
    return image && withoutManifest(image);
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

/** An Image without its raw manifest and config, as Images are stored and listed. */
export function withoutManifest(image: KubeObject): KubeObject {
  const { dockerImageManifest: _m, dockerImageConfig: _c, ...rest } = image;
  return rest;
}

async function selfPullRefusal(self: NonNullable<ImportServices['selfRegistry']>, namespace: string, from: string): Promise<ImportStatus | undefined> {
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

/** The namespace's registry credentials: dockercfg and dockerconfigjson secrets not excluded from import. */
export async function namespaceKeyring(
  store: Pick<ResourceStore, 'list'>,
  namespace: string,
  self?: { host: string; token: string },
): Promise<CredentialKeyring> {
  const page = await store.list(resourcePrefix('', 'secrets', namespace));
  const configs: { source: string; content: unknown }[] = [];
  for (const item of page.items) {
    const secret = item.value as { metadata?: { name?: string; annotations?: Record<string, string> }; type?: string; data?: Record<string, string> };
    if (secret.metadata?.annotations?.['openshift.io/image.excludeSecret'] === 'true') continue;
    // A podman auth.json stored as the podman procedure prints it (`--from-file=auth.json
    // --type=kubernetes.io/podmanconfigjson`): whatever its key, it is a docker config.
    const keys =
      secret.type === 'kubernetes.io/dockerconfigjson'
        ? ['.dockerconfigjson']
        : secret.type === 'kubernetes.io/dockercfg'
          ? ['.dockercfg']
          : secret.type === 'kubernetes.io/podmanconfigjson'
            ? Object.keys(secret.data ?? {})
            : [];
    for (const key of keys) {
      const data = secret.data?.[key];
      if (!data) continue;
      try {
        configs.push({ source: secret.metadata?.name ?? '', content: JSON.parse(Buffer.from(data, 'base64').toString('utf8')) });
      } catch {
        // validated on write for the docker types; a podman secret's other files are not configs
      }
    }
  }
  if (self)
    configs.unshift({
      source: `system:serviceaccount:${namespace}:default`,
      content: { auths: { [self.host]: { username: 'serviceaccount', password: self.token } } },
    });
  return CredentialKeyring.fromDockerConfigs(configs);
}
