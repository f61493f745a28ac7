// Turns what users type (`deploy`, `secrets`, `istag`, `deployments.apps`, or a file's apiVersion
// and kind) into resources the client can address, from the server's aggregated discovery. Built
// from a cached copy, it asks the server once more for a name the copy does not know.
import type { ApiClient } from './api-client.ts';
import type { KindIdentity } from '../kube/kinds.ts';
import { CliError } from './cli-error.ts';

/** A resource as the server's discovery describes it. */
export interface ResourceInfo extends KindIdentity {
  readonly verbs: readonly string[];
  /** `all`, `images`: the groupings `api-resources -o wide` lists. */
  readonly categories?: readonly string[];
}

/** Every resource of the server's aggregated discovery, the preferred (first) version of each group. */
export async function discoverResources(client: Pick<ApiClient, 'discovery'>): Promise<ResourceInfo[]> {
  const lists = await Promise.all([client.discovery('core'), client.discovery('named')]);
  const resources: ResourceInfo[] = [];
  for (const list of lists) {
    for (const item of list.items) {
      for (const version of item.versions.slice(0, 1)) {
        for (const r of version.resources) {
          resources.push({
            group: item.metadata.name ?? '',
            version: version.version,
            resource: r.resource,
            kind: r.responseKind.kind,
            singular: r.singularResource,
            shortNames: r.shortNames ?? [],
            namespaced: r.scope === 'Namespaced',
            verbs: r.verbs,
            ...(r.categories?.length ? { categories: r.categories } : {}),
          });
        }
      }
    }
  }
  return resources;
}

export class ResourceResolver {
  private resources: readonly ResourceInfo[];
  /** Set while `resources` came from a cache: asks the server, once. */
  private refresh: (() => Promise<readonly ResourceInfo[]>) | undefined;

  constructor(resources: readonly ResourceInfo[], refresh?: () => Promise<readonly ResourceInfo[]>) {
    this.resources = resources;
    this.refresh = refresh;
  }

  static async discover(client: Pick<ApiClient, 'discovery'>): Promise<ResourceResolver> {
    return new ResourceResolver(await discoverResources(client));
  }

  /** Every resource the server serves. */
  all(): readonly ResourceInfo[] {
    return this.resources;
  }

  /** `find`'s answer, from the server's current discovery if the cached copy has none (as kubectl's deferred mapper). */
  private async lookUp(find: () => ResourceInfo | undefined): Promise<ResourceInfo | undefined> {
    const found = find();
    if (found || !this.refresh) return found;
    const refresh = this.refresh;
    this.refresh = undefined;
    this.resources = await refresh();
    return find();
  }

  /** `deploy`, `deployment`, `deployments`, `Deployment`, `deployments.apps`. */
  async resolve(typed: string): Promise<ResourceInfo> {
    const lower = typed.toLowerCase();
    const dot = lower.indexOf('.');
    const [name, group] = dot > 0 ? [lower.slice(0, dot), lower.slice(dot + 1)] : [lower, undefined];
    const found = await this.lookUp(() => {
      const matches = this.resources.filter(
        (r) =>
          (group === undefined || r.group === group) &&
          (r.resource === name || r.singular === name || r.kind.toLowerCase() === name || r.shortNames.includes(name)),
      );
      // A resource's own names win over a kind's name (`imagestream` is imagestreams.image.openshift.io,
      // not the core group's stand-in for OpenShift 3's legacy ImageStream); then the core group wins
      // a tie, as kubectl resolves `pods` before any other group's pods.
      const named = matches.filter((r) => r.resource === name || r.singular === name || r.shortNames.includes(name));
      const candidates = named.length ? named : matches;
      return candidates.find((r) => r.group === '') ?? candidates[0];
    });
    if (!found) throw new CliError(`the server doesn't have a resource type "${typed}"`);
    return found;
  }

  async byKind(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const found = await this.lookUp(() => this.resources.find((r) => r.group === group && r.version === version && r.kind === kind));
    if (!found) throw new CliError(`no matches for kind "${kind}" in version "${apiVersion}"`);
    return found;
  }
}

/** `deployment.apps`, `secret`: how kubectl names a kind in messages. */
export function kindLabel(info: Pick<KindIdentity, 'group' | 'kind'>): string {
  return info.group ? `${info.kind.toLowerCase()}.${info.group}` : info.kind.toLowerCase();
}

/** `deployments.apps`, `secrets`: how kubectl names a resource in messages. */
export function resourceLabel(info: Pick<KindIdentity, 'group' | 'resource'>): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}
