// Imports one image reference from another registry into Image objects: a manifest list is reduced
// to one platform (Legacy) or kept with every child (PreserveOriginal); configs give the metadata.
// Nothing unverified leaves here: the client checks every digest.
import type { KubeObject } from '../kube/object.ts';
import type { RegistryClient, UpstreamRepository } from './upstream/registry-client.ts';
import type { Descriptor } from '../image/manifest.ts';
import { AppError, isAppError } from '../errors.ts';
import { parseManifest, type Manifest } from '../image/manifest.ts';
import { buildImage } from '../image/image-object.ts';
import { summariseImageConfig } from '../image/image-config.ts';
import { parseImageReference, registryApiHost, repositoryOf, withDockerDefaults, type ImageReference } from '../image/reference.ts';

export type ImportMode = 'Legacy' | 'PreserveOriginal';

export interface ImportRequest {
  /** The pull spec to import, e.g. quay.io/org/app:1.0 or …@sha256:… */
  readonly from: string;
  readonly importMode: ImportMode;
  readonly insecure: boolean;
  readonly preferArch?: string;
  readonly preferOs?: string;
}

export interface ImportedImage {
  /** What the tag points at: the chosen child (Legacy) or the list itself (PreserveOriginal). */
  readonly image: KubeObject;
  /** With PreserveOriginal, every child of the list. */
  readonly children: readonly KubeObject[];
  /** `registry/ns/name@digest`. */
  readonly reference: string;
  /** The digest the source tag pointed at (the list's, for a manifest list): what a later HEAD is compared with. */
  readonly sourceDigest: string;
}

export interface ImporterDeps {
  readonly client: RegistryClient;
  /** The server's own platform, the fallback choice from a manifest list. */
  readonly platform: { readonly architecture: string; readonly os: string };
  readonly maxConfigBytes?: number;
  /** An Image already known by digest: re-imports of unchanged tags then cost one request. */
  readonly knownImage?: (digest: string) => Promise<KubeObject | undefined>;
}

export function upstreamOf(reference: ImageReference, insecure: boolean): UpstreamRepository {
  const defaulted = withDockerDefaults(reference);
  return { registry: registryApiHost(defaulted.registry), path: [defaulted.namespace, defaulted.name].filter(Boolean).join('/'), insecure };
}

export class Importer {
  private readonly deps: ImporterDeps;

  constructor(deps: ImporterDeps) {
    this.deps = deps;
  }

  async importImage(request: ImportRequest, signal?: AbortSignal): Promise<ImportedImage> {
    const reference = withDockerDefaults(parseImageReference(request.from));
    const upstream = upstreamOf(reference, request.insecure);
    const repository = repositoryOf(reference);
    const top = await this.deps.client.fetchManifest(upstream, reference.id || reference.tag || 'latest', signal);
    const manifest = upstreamManifest(top.bytes, top.mediaType);
    if (manifest.kind === 'index') {
      if (manifest.manifests.length === 0) throw new AppError('Internal', 'no manifests in manifest list');
      if (request.importMode === 'PreserveOriginal') {
        const children: KubeObject[] = [];
        for (const child of manifest.manifests) children.push(await this.importManifest(upstream, repository, child.digest, signal));
        const image = buildImage({
          digest: top.digest,
          manifest,
          manifestBytes: top.bytes,
          dockerImageReference: `${repository}@${top.digest}`,
          managed: false,
        });
        return { image, children, reference: `${repository}@${top.digest}`, sourceDigest: top.digest };
      }
      const chosen = choosePlatform(manifest.manifests, request.preferArch ?? this.deps.platform.architecture, request.preferOs ?? this.deps.platform.os);
      const image = await this.importManifest(upstream, repository, chosen.digest, signal);
      return { image, children: [], reference: `${repository}@${chosen.digest}`, sourceDigest: top.digest };
    }
    const image = await this.imageOf(upstream, repository, top.digest, top.bytes, top.mediaType, signal);
    return { image, children: [], reference: `${repository}@${top.digest}`, sourceDigest: top.digest };
  }

  private async importManifest(upstream: UpstreamRepository, repository: string, digest: string, signal?: AbortSignal): Promise<KubeObject> {
    const known = await this.deps.knownImage?.(digest);
    if (known && !known.dockerImageManifests) return { ...known, dockerImageReference: `${repository}@${digest}` };
    const fetched = await this.deps.client.fetchManifest(upstream, digest, signal);
    return this.imageOf(upstream, repository, digest, fetched.bytes, fetched.mediaType, signal);
  }

  private async imageOf(
    upstream: UpstreamRepository,
    repository: string,
    digest: string,
    bytes: Buffer,
    mediaType: string,
    signal?: AbortSignal,
  ): Promise<KubeObject> {
    // Content-addressed: an Image we hold for this digest has the same manifest and config.
    const known = await this.deps.knownImage?.(digest);
    if (known && !known.dockerImageManifests) return { ...known, dockerImageReference: `${repository}@${digest}` };
    const manifest = upstreamManifest(bytes, mediaType);
    if (manifest.kind === 'index') throw new AppError('Internal', `${repository}@${digest} is a manifest list inside a manifest list`);
    const configBytes =
      manifest.config.size <= (this.deps.maxConfigBytes ?? 8 * 1024 * 1024)
        ? await this.deps.client.fetchBlob(upstream, manifest.config.digest, this.deps.maxConfigBytes ?? 8 * 1024 * 1024, signal)
        : undefined;
    return buildImage({
      digest,
      manifest,
      manifestBytes: bytes,
      configBytes,
      config: configBytes ? summariseImageConfig(configBytes) : undefined,
      dockerImageReference: `${repository}@${digest}`,
      managed: false,
    });
  }
}

/** A manifest another registry sent: one it cannot parse is its fault, not the importing user's request. */
function upstreamManifest(bytes: Buffer, mediaType: string): Manifest {
  try {
    return parseManifest(bytes, mediaType || null);
  } catch (error) {
    if (isAppError(error, 'BadRequest')) throw new AppError('Internal', `the registry sent a manifest that cannot be imported: ${error.message}`);
    throw error;
  }
}

/** The preferred platform, else linux/amd64, else the first child (SPEC §2.5). */
export function choosePlatform(children: readonly Descriptor[], architecture: string, os: string): Descriptor {
  return (
    children.find((c) => c.platform?.architecture === architecture && c.platform?.os === os) ??
    children.find((c) => c.platform?.architecture === 'amd64' && c.platform?.os === 'linux') ??
    children[0]
  );
}

/** Node's arch names as Go's GOARCH names them. */
export function serverPlatform(): { architecture: string; os: string } {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x', arm: 'arm' };
  return { architecture: arch[process.arch] ?? process.arch, os: process.platform === 'win32' ? 'windows' : process.platform };
}
