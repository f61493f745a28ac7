// Which blobs and manifests each repository may serve, and which upload session belongs to which
// repository. Kept in the ResourceStore so every replica sees the same links. A digest known in
// one repository gives nothing in another unless it is linked there too: a link is made only when
// the bytes were pushed or pulled through into the repository, or copied from a repository the
// caller was allowed to read. This is the one fact the registry's access to content rests on.
import type { ResourceStore } from '../store/resource-store.ts';
import type { Descriptor } from '../image/manifest.ts';
import { isAppError, unlessNotFound } from '../errors.ts';
import type { WatchedCache } from '../store/watched-cache.ts';

const group = 'registry.imagestream.io';

/** A repository of the integrated registry: an image stream's `namespace/name`. */
export interface Repository {
  readonly namespace: string;
  readonly name: string;
  /** `namespace/name`. */
  readonly path: string;
}

export function repositoryOf(namespace: string, name: string): Repository {
  return { namespace, name, path: `${namespace}/${name}` };
}

export interface ManifestLink {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly subject?: string;
  readonly artifactType?: string;
  readonly annotations?: Record<string, string>;
}

export class RepositoryLinks {
  private readonly store: ResourceStore;
  private readonly cache?: WatchedCache<Record<string, unknown> | null>;

  constructor(store: ResourceStore, cache?: WatchedCache<Record<string, unknown> | null>) {
    this.store = store;
    this.cache = cache;
  }

  async linkBlob(repository: Repository, digest: string, size: number): Promise<void> {
    await this.put(this.blobKey(repository, digest), { digest, size });
  }

  async blobLink(repository: Repository, digest: string): Promise<{ digest: string; size: number } | undefined> {
    return this.read(this.blobKey(repository, digest)) as Promise<{ digest: string; size: number } | undefined>;
  }

  async unlinkBlob(repository: Repository, digest: string): Promise<boolean> {
    return this.remove(this.blobKey(repository, digest));
  }

  async linkManifest(repository: Repository, link: ManifestLink): Promise<void> {
    await this.put(this.manifestKey(repository, link.digest), { ...link });
    if (link.subject) await this.put(`${group}/referrers/${repository.namespace}/${repository.name}@${link.subject}@${link.digest}`, { ...link });
  }

  async manifestLink(repository: Repository, digest: string): Promise<ManifestLink | undefined> {
    return (await this.read(this.manifestKey(repository, digest))) as ManifestLink | undefined;
  }

  async unlinkManifest(repository: Repository, digest: string): Promise<boolean> {
    const link = await this.manifestLink(repository, digest);
    if (link?.subject) await this.remove(`${group}/referrers/${repository.namespace}/${repository.name}@${link.subject}@${digest}`);
    return this.remove(this.manifestKey(repository, digest));
  }

  /** Manifests of `repository` whose subject is `subject`, as descriptors (OCI referrers API). */
  async referrers(repository: Repository, subject: string): Promise<Descriptor[]> {
    const page = await this.store.list(`${group}/referrers/${repository.namespace}/${repository.name}@${subject}@`);
    return page.items.map((item) => {
      const link = item.value as unknown as ManifestLink;
      return {
        mediaType: link.mediaType,
        digest: link.digest,
        size: link.size,
        ...(link.artifactType ? { artifactType: link.artifactType } : {}),
        ...(link.annotations ? { annotations: link.annotations } : {}),
      };
    });
  }

  async recordUpload(id: string, repository: Repository): Promise<void> {
    await this.put(`${group}/uploads//${id}`, { repository: repository.path });
  }

  async uploadRepository(id: string): Promise<string | undefined> {
    return ((await this.read(`${group}/uploads//${id}`)) as { repository?: string } | undefined)?.repository;
  }

  async forgetUpload(id: string): Promise<void> {
    await this.remove(`${group}/uploads//${id}`);
  }

  /** Key prefixes of everything recorded for a namespace's repositories, to remove with the namespace. */
  static namespacePrefixes(namespace: string): string[] {
    return ['blobs', 'manifests', 'referrers'].map((kind) => `${group}/${kind}/${namespace}/`);
  }

  private blobKey(repository: Repository, digest: string): string {
    return `${group}/blobs/${repository.namespace}/${repository.name}@${digest}`;
  }

  private manifestKey(repository: Repository, digest: string): string {
    return `${group}/manifests/${repository.namespace}/${repository.name}@${digest}`;
  }

  private async put(key: string, value: Record<string, unknown>): Promise<void> {
    try {
      await this.store.create(key, value);
    } catch (error) {
      if (!isAppError(error, 'AlreadyExists')) throw error;
      await this.store.update(key, value);
    }
  }

  private async read(key: string): Promise<Record<string, unknown> | undefined> {
    const load = async () => (await unlessNotFound(this.store.get(key)))?.value ?? null;
    return (this.cache ? await this.cache.get(key, load) : await load()) ?? undefined;
  }

  private async remove(key: string): Promise<boolean> {
    try {
      await this.store.delete(key);
      return true;
    } catch (error) {
      if (isAppError(error, 'NotFound')) return false;
      throw error;
    }
  }
}
