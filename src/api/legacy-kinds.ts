// OpenShift 3 served its image and project kinds in the core group (`apiVersion: v1`); OpenShift 4
// and this server serve them only in their groups. kubectl maps apiVersion + kind to a URL from
// discovery and would stop with `no matches for kind "ImageStream" in version "v1"` before asking
// the server, so /api/v1 advertises one stand-in per legacy kind, under a plural nobody types and
// without short names or categories (`get is`, `get all` and `explain is` resolve as before), whose
// every request is refused, after authorization, with a message naming the kind's group.
import { allVerbs, type ResourceDefinition, type Verb } from './resource-definition.ts';

const legacyKinds: readonly { readonly kind: string; readonly group: string }[] = [
  { kind: 'ImageStream', group: 'image.openshift.io' },
  { kind: 'ImageStreamTag', group: 'image.openshift.io' },
  { kind: 'ImageStreamImport', group: 'image.openshift.io' },
  { kind: 'ImageStreamMapping', group: 'image.openshift.io' },
  { kind: 'Image', group: 'image.openshift.io' },
  { kind: 'Project', group: 'project.openshift.io' },
];

const standInPrefix = 'legacy';

const targets = new WeakMap<ResourceDefinition, ResourceDefinition>();
const standInsOf = new WeakMap<readonly ResourceDefinition[], readonly ResourceDefinition[]>();

function standIn(target: ResourceDefinition): ResourceDefinition {
  const definition: ResourceDefinition = {
    ...target,
    group: '',
    version: 'v1',
    resource: `${standInPrefix}${target.resource}`,
    singular: `${standInPrefix}${target.singular}`,
    // Discovery lists no verbs, as for a resource that serves none, so `kubectl api-resources` and
    // ims's completion leave the stand-ins out; kubectl maps kinds without looking at verbs.
    verbs: [],
    shortNames: undefined,
    categories: undefined,
    hasStatus: false,
    subresources: undefined,
  };
  targets.set(definition, target);
  return definition;
}

/** The stand-ins of the legacy kinds the catalogue serves, for discovery and the OpenAPI documents. */
export function legacyStandIns(definitions: readonly ResourceDefinition[]): readonly ResourceDefinition[] {
  let standIns = standInsOf.get(definitions);
  if (!standIns) {
    standIns = legacyKinds.flatMap(({ kind, group }) =>
      definitions
        .filter((d) => d.group === group && d.kind === kind)
        .slice(0, 1)
        .map(standIn),
    );
    standInsOf.set(definitions, standIns);
  }
  return standIns;
}

/**
 * The verbs the OpenAPI documents describe: a stand-in's are all of them, whatever the real kind
 * allows, since kubectl sends a request only after finding the kind's PATCH there.
 */
export function documentedVerbs(definition: ResourceDefinition): readonly Verb[] {
  return targets.has(definition) ? allVerbs : definition.verbs;
}

/** The real definition a stand-in stands for; undefined for any other definition. */
export function legacyTargetOf(definition: ResourceDefinition): ResourceDefinition | undefined {
  return targets.get(definition);
}

/** The stand-in a core-group request addresses, with the refusal it gets. */
export function findLegacyStandIn(
  definitions: readonly ResourceDefinition[],
  request: { readonly group: string; readonly version: string; readonly resource: string },
): { readonly target: ResourceDefinition; readonly message: string } | undefined {
  if (request.group !== '' || request.version !== 'v1' || !request.resource.startsWith(standInPrefix)) return undefined;
  const found = legacyStandIns(definitions).find((d) => d.resource === request.resource);
  const target = found && targets.get(found);
  if (!target) return undefined;
  const apiVersion = `${target.group}/${target.version}`;
  return {
    target,
    message:
      `${target.kind} is served as ${apiVersion}, not v1 (OpenShift 3's legacy API): ` +
      `change "apiVersion: v1" to "apiVersion: ${apiVersion}", or use "ims create -f" or "ims apply -f", which map it`,
  };
}
