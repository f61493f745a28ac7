// API discovery as kubectl reads it: the legacy documents (/api, /apis, per group-version resource
// lists) and aggregated discovery (apidiscovery.k8s.io v2 and v2beta1) in one request.
import type { ResourceDefinition } from './resource-definition.ts';

interface GroupVersion {
  readonly group: string;
  readonly version: string;
  readonly definitions: readonly ResourceDefinition[];
}

export function groupVersions(definitions: readonly ResourceDefinition[]): GroupVersion[] {
  const byKey = new Map<string, { group: string; version: string; definitions: ResourceDefinition[] }>();
  for (const definition of definitions) {
    const key = `${definition.group}/${definition.version}`;
    const entry = byKey.get(key) ?? { group: definition.group, version: definition.version, definitions: [] };
    entry.definitions.push(definition);
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList(definitions: readonly ResourceDefinition[]): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groupVersions(definitions)
      .filter((gv) => gv.group !== '')
      .map((gv) => apiGroup(gv.group, gv.version)),
  };
}

export function apiGroup(group: string, version: string): Record<string, unknown> {
  const groupVersion = { groupVersion: `${group}/${version}`, version };
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: [groupVersion], preferredVersion: groupVersion };
}

export function apiResourceList(group: string, version: string, definitions: readonly ResourceDefinition[]): Record<string, unknown> {
  const resources: Record<string, unknown>[] = [];
  for (const d of definitions) {
    resources.push({
      name: d.resource,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: d.verbs,
      ...(d.shortNames?.length ? { shortNames: d.shortNames } : {}),
      ...(d.categories?.length ? { categories: d.categories } : {}),
    });
    for (const sub of subresourcesOf(d))
      resources.push({ name: `${d.resource}/${sub.name}`, singularName: '', namespaced: d.namespaced, kind: sub.kind, verbs: sub.verbs });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

function subresourcesOf(d: ResourceDefinition): { name: string; kind: string; verbs: readonly string[] }[] {
  const subs: { name: string; kind: string; verbs: readonly string[] }[] = [];
  if (d.hasStatus) subs.push({ name: 'status', kind: d.kind, verbs: ['get', 'patch', 'update'] });
  for (const [name, sub] of Object.entries(d.subresources ?? {})) subs.push({ name, kind: sub.kind, verbs: sub.verbs });
  return subs;
}

/** The aggregated discovery document of the core group (`legacy`) or of every named group. */
export function aggregatedDiscovery(version: 'v2' | 'v2beta1', definitions: readonly ResourceDefinition[], legacy: boolean): Record<string, unknown> {
  const items = groupVersions(definitions)
    .filter((gv) => (gv.group === '') === legacy)
    .map((gv) => ({
      metadata: gv.group ? { name: gv.group, creationTimestamp: null } : { creationTimestamp: null },
      versions: [
        {
          version: gv.version,
          freshness: 'Current',
          resources: gv.definitions.map((d) => ({
            resource: d.resource,
            responseKind: { group: d.group, version: d.version, kind: d.kind },
            scope: d.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: d.singular,
            verbs: d.verbs,
            ...(d.shortNames?.length ? { shortNames: d.shortNames } : {}),
            ...(d.categories?.length ? { categories: d.categories } : {}),
            ...(subresourcesOf(d).length
              ? {
                  subresources: subresourcesOf(d).map((s) => ({
                    subresource: s.name,
                    responseKind: { group: d.group, version: d.version, kind: s.kind },
                    verbs: s.verbs,
                  })),
                }
              : {}),
          })),
        },
      ],
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}
