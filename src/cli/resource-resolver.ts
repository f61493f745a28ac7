// Turns what users type (`deploy`, `secrets`, `istag`, `deployments.apps`, or a file's apiVersion
// and kind) into resources the client can address, from the server's aggregated discovery.
import type { ApiClient } from './api-client.ts';
import type { KindIdentity } from '../kube/kinds.ts';
import { CliError } from './cli-error.ts';

/** A resource as the server's discovery describes it. */
export interface ResourceInfo extends KindIdentity {
  readonly verbs: readonly string[];
}

export class ResourceResolver {
  private readonly resources: readonly ResourceInfo[];

  constructor(resources: readonly ResourceInfo[]) {
    this.resources = resources;
  }

  static async discover(client: Pick<ApiClient, 'discovery'>): Promise<ResourceResolver> {
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
            });
          }
        }
      }
    }
    return new ResourceResolver(resources);
  }

  /** `deploy`, `deployment`, `deployments`, `Deployment`, `deployments.apps`. */
  resolve(typed: string): ResourceInfo {
    const lower = typed.toLowerCase();
    const dot = lower.indexOf('.');
    const [name, group] = dot > 0 ? [lower.slice(0, dot), lower.slice(dot + 1)] : [lower, undefined];
    const matches = this.resources.filter(
      (r) =>
        (group === undefined || r.group === group) &&
        (r.resource === name || r.singular === name || r.kind.toLowerCase() === name || r.shortNames.includes(name)),
    );
    // The core group wins a tie, as kubectl resolves `pods` before any other group's pods.
    const found = matches.find((r) => r.group === '') ?? matches[0];
    if (!found) throw new CliError(`the server doesn't have a resource type "${typed}"`);
    return found;
  }

  byKind(apiVersion: string, kind: string): ResourceInfo {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const found = this.resources.find((r) => r.group === group && r.version === version && r.kind === kind);
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
