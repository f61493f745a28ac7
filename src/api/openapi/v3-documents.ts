// OpenAPI v3 documents as kubectl >= 1.27 reads them (explain, and whether to validate on the
// server): a root naming one document per group-version, each built from resource-operations.ts.
import { createHash } from 'node:crypto';
import type { ResourceDefinition } from '../resource-definition.ts';
import { groupVersions } from '../discovery.ts';
import { documentedSubresourcesOf, groupVersionPath, patchContentTypes, pathsOf, schemaOf, type OperationModel } from './resource-operations.ts';

export function openApiRoot(definitions: readonly ResourceDefinition[]): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of groupVersions(definitions)) {
    const path = groupVersionPath(gv.group, gv.version);
    const hash = createHash('sha512')
      .update(JSON.stringify(openApiGroupVersion(gv.definitions)))
      .digest('hex')
      .slice(0, 128)
      .toUpperCase();
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
  }
  return { paths };
}

export function findGroupVersionDocument(definitions: readonly ResourceDefinition[], path: string): Record<string, unknown> | undefined {
  const gv = groupVersions(definitions).find((candidate) => groupVersionPath(candidate.group, candidate.version) === path);
  return gv ? openApiGroupVersion(gv.definitions) : undefined;
}

const parameter = (name: string, where: 'query' | 'path') => ({
  name,
  in: where,
  ...(where === 'path' ? { required: true } : {}),
  schema: { type: 'string', uniqueItems: true },
});

function operation(op: OperationModel): Record<string, unknown> {
  const ref = { $ref: `#/components/schemas/${op.answers}` };
  const body =
    op.body === 'object'
      ? { requestBody: { content: { 'application/json': { schema: ref }, 'application/yaml': { schema: ref } } } }
      : op.body === 'patch'
        ? { requestBody: { content: Object.fromEntries(patchContentTypes.map((t) => [t, { schema: { type: 'object' } }])) } }
        : {};
  return {
    operationId: op.operationId,
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': op.gvk,
    parameters: op.query.map((name) => parameter(name, 'query')),
    responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } },
    ...body,
  };
}

function openApiGroupVersion(definitions: readonly ResourceDefinition[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const d of definitions) {
    for (const path of [...pathsOf(d), ...documentedSubresourcesOf(d).map((sub) => sub.path)]) {
      paths[path.path] = {
        parameters: path.pathParameters.map((name) => parameter(name, 'path')),
        ...Object.fromEntries(path.operations.map((op) => [op.method, operation(op)])),
      };
    }
    for (const { name, gvk, schema } of [schemaOf(d), ...documentedSubresourcesOf(d).map((sub) => sub.schema)])
      schemas[name] = { ...schema, 'x-kubernetes-group-version-kind': [gvk] };
  }
  return { openapi: '3.0.0', info: { title: 'Imagestream', version: 'v1' }, paths, components: { schemas } };
}
