// OpenAPI v3 documents, just enough for kubectl >= 1.29: every operation names its
// group-version-kind and accepts `fieldValidation`, so kubectl validates on the server; schemas keep
// unknown fields, since the server checks objects itself.
import { createHash } from 'node:crypto';
import type { ResourceDefinition } from './resource-definition.ts';
import { groupVersions } from './discovery.ts';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function openApiRoot(definitions: readonly ResourceDefinition[]): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of groupVersions(definitions)) {
    const path = gvPath(gv.group, gv.version);
    const hash = createHash('sha512')
      .update(JSON.stringify(openApiGroupVersion(gv.group, gv.version, gv.definitions)))
      .digest('hex')
      .slice(0, 128)
      .toUpperCase();
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
  }
  return { paths };
}

export function findGroupVersionDocument(definitions: readonly ResourceDefinition[], path: string): Record<string, unknown> | undefined {
  const gv = groupVersions(definitions).find((candidate) => gvPath(candidate.group, candidate.version) === path);
  return gv ? openApiGroupVersion(gv.group, gv.version, gv.definitions) : undefined;
}

function schemaName(d: ResourceDefinition): string {
  return `${d.group || 'core'}.${d.version}.${d.kind}`;
}

function openApiGroupVersion(group: string, version: string, definitions: readonly ResourceDefinition[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  const query = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
  const pathParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', uniqueItems: true } });
  for (const d of definitions) {
    const gvk = { group, version, kind: d.kind };
    const ref = { $ref: `#/components/schemas/${schemaName(d)}` };
    const body = { content: { 'application/json': { schema: ref }, 'application/yaml': { schema: ref } } };
    // No strategic-merge-patch content here on purpose: kubectl then computes apply patches from its
    // own built-in types (or merge patches for image kinds) instead of from these schemaless documents.
    const patchBody = {
      content: Object.fromEntries(['application/json-patch+json', 'application/merge-patch+json'].map((t) => [t, { schema: { type: 'object' } }])),
    };
    const op = (action: string, params: unknown[], extra: Record<string, unknown> = {}) => ({
      operationId: `${action}${d.kind}`,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters: params,
      responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } },
      ...extra,
    });
    const writeParams = [query('dryRun'), query('fieldManager'), query('fieldValidation')];
    const base = `/${gvPath(group, version)}${d.namespaced ? '/namespaces/{namespace}' : ''}/${d.resource}`;
    const nsParams = d.namespaced ? [pathParam('namespace')] : [];
    const collection: Record<string, unknown> = { parameters: nsParams };
    if (d.verbs.includes('list'))
      collection.get = op('list', [query('labelSelector'), query('fieldSelector'), query('limit'), query('continue'), query('watch')]);
    if (d.verbs.includes('create')) collection.post = op('post', writeParams, { requestBody: body });
    paths[base] = collection;
    const item: Record<string, unknown> = { parameters: [pathParam('name'), ...nsParams] };
    if (d.verbs.includes('get')) item.get = op('get', []);
    if (d.verbs.includes('update')) item.put = op('put', writeParams, { requestBody: body });
    if (d.verbs.includes('patch')) item.patch = op('patch', [...writeParams, query('force')], { requestBody: patchBody });
    if (d.verbs.includes('delete')) item.delete = op('delete', [query('dryRun'), query('gracePeriodSeconds'), query('propagationPolicy')]);
    paths[`${base}/{name}`] = item;
    schemas[schemaName(d)] = {
      type: 'object',
      description: `${d.kind} (${group || 'core'}/${version}).`,
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        ...Object.fromEntries(d.fields.map((f) => [f, { ...d.openApi?.[f], 'x-kubernetes-preserve-unknown-fields': true }])),
      },
      'x-kubernetes-group-version-kind': [gvk],
    };
  }
  return { openapi: '3.0.0', info: { title: 'Imagestream', version: 'v1' }, paths, components: { schemas } };
}
