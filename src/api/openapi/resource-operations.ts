// What the OpenAPI documents (v2 and v3) say about each kind, in neither format: its paths and
// operations, each with the group-version-kind and the query parameters kubectl looks for
// (`fieldValidation` on PATCH tells it to validate on the server), and its schema. kubectl still
// checks the items of a `kind: List` itself, so a described field must name every field the server
// writes below it; fields without a description take anything.
import type { OpenApiSchema, ResourceDefinition } from '../resource-definition.ts';
import { documentedVerbs, legacyTargetOf } from '../legacy-kinds.ts';
import { kindDescriptions } from './kind-descriptions.ts';
import { objectMetadata, string } from './schema-builders.ts';

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface OperationModel {
  readonly method: HttpMethod;
  readonly operationId: string;
  readonly action: string;
  readonly gvk: GroupVersionKind;
  readonly query: readonly string[];
  /** The body it reads: the object itself, or a patch of it. */
  readonly body?: 'object' | 'patch';
  /** The schema of its answer. */
  readonly answers: string;
}

export interface PathModel {
  readonly path: string;
  readonly pathParameters: readonly string[];
  readonly operations: readonly OperationModel[];
}

export interface SchemaModel {
  readonly name: string;
  readonly gvk: GroupVersionKind;
  /** Without references: both formats nest field schemas the same way. */
  readonly schema: OpenApiSchema & { readonly properties: Readonly<Record<string, OpenApiSchema>> };
}

/**
 * No strategic-merge-patch here on purpose: kubectl then computes apply patches from its own
 * built-in types (or merge patches for image kinds) instead of from these schemaless documents.
 */
export const patchContentTypes = ['application/json-patch+json', 'application/merge-patch+json'] as const;

export function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function schemaName(d: ResourceDefinition): string {
  return `${d.group || 'core'}.${d.version}.${d.kind}`;
}

export function pathsOf(d: ResourceDefinition): PathModel[] {
  const gvk = { group: d.group, version: d.version, kind: d.kind };
  const answers = schemaName(d);
  const op = (method: HttpMethod, action: string, query: readonly string[], body?: 'object' | 'patch'): OperationModel => ({
    method,
    operationId: `${action}${d.kind}`,
    action,
    gvk,
    query,
    ...(body ? { body } : {}),
    answers,
  });
  const writeQuery = ['dryRun', 'fieldManager', 'fieldValidation'];
  const base = `/${groupVersionPath(d.group, d.version)}${d.namespaced ? '/namespaces/{namespace}' : ''}/${d.resource}`;
  const namespace = d.namespaced ? ['namespace'] : [];
  const verbs = documentedVerbs(d);
  const collection: OperationModel[] = [];
  if (verbs.includes('list')) collection.push(op('get', 'list', ['labelSelector', 'fieldSelector', 'limit', 'continue', 'watch']));
  if (verbs.includes('create')) collection.push(op('post', 'post', writeQuery, 'object'));
  const item: OperationModel[] = [];
  if (verbs.includes('get')) item.push(op('get', 'get', []));
  if (verbs.includes('update')) item.push(op('put', 'put', writeQuery, 'object'));
  if (verbs.includes('patch')) item.push(op('patch', 'patch', [...writeQuery, 'force'], 'patch'));
  if (verbs.includes('delete')) item.push(op('delete', 'delete', ['dryRun', 'gracePeriodSeconds', 'propagationPolicy']));
  return [
    { path: base, pathParameters: namespace, operations: collection },
    { path: `${base}/{name}`, pathParameters: ['name', ...namespace], operations: item },
  ];
}

export function schemaOf(d: ResourceDefinition): SchemaModel {
  const target = legacyTargetOf(d);
  const description = target
    ? `OpenShift 3's legacy name of ${d.kind}, refused here: this server serves it as ${target.group}/${target.version}.`
    : kindDescriptionOf(d);
  return kindSchema({ group: d.group, version: d.version, kind: d.kind }, description, d.fields, d.openApi ?? {});
}

/** The subresources the documents describe (those that declare their kind's fields), each with its GET path. */
export function documentedSubresourcesOf(d: ResourceDefinition): { path: PathModel; schema: SchemaModel }[] {
  const base = `/${groupVersionPath(d.group, d.version)}${d.namespaced ? '/namespaces/{namespace}' : ''}/${d.resource}/{name}`;
  return Object.entries(d.subresources ?? {}).flatMap(([name, sub]) => {
    if (!sub.openApi || !sub.verbs.includes('get')) return [];
    const gvk = { group: sub.kindGroup ?? d.group, version: d.version, kind: sub.kind };
    const schema = kindSchema(gvk, kindDescriptionOf({ group: gvk.group, kind: sub.kind }), Object.keys(sub.openApi), sub.openApi);
    const get: OperationModel = { method: 'get', operationId: `read${d.kind}${sub.kind}`, action: 'get', gvk, query: [], answers: schema.name };
    return [{ path: { path: `${base}/${name}`, pathParameters: ['name', ...(d.namespaced ? ['namespace'] : [])], operations: [get] }, schema }];
  });
}

function kindSchema(
  gvk: GroupVersionKind,
  description: string | undefined,
  fields: readonly string[],
  openApi: Readonly<Record<string, OpenApiSchema>>,
): SchemaModel {
  return {
    name: `${gvk.group || 'core'}.${gvk.version}.${gvk.kind}`,
    gvk,
    schema: {
      type: 'object',
      description: description ?? `${gvk.kind} (${gvk.group || 'core'}/${gvk.version}).`,
      properties: {
        apiVersion: string(`The versioned schema of this object: ${gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version}.`),
        kind: string(`The kind of this object: ${gvk.kind}.`),
        metadata: objectMetadata,
        ...Object.fromEntries(fields.map((f) => [f, { ...openApi[f], 'x-kubernetes-preserve-unknown-fields': true }])),
      },
    },
  };
}

/** What `kubectl explain` says first about the kind: its meaning, as OpenShift (or Kubernetes) documents it. */
export function kindDescriptionOf(d: Pick<ResourceDefinition, 'group' | 'kind'>): string | undefined {
  return kindDescriptions[`${d.group}/${d.kind}`];
}
