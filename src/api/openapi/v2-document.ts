// The OpenAPI v2 (Swagger 2.0) document, one for the whole server as Kubernetes serves it at
// /openapi/v2: kubectl 1.27 and 1.28 read it (as protobuf, gnostic-protobuf.ts) to decide whether
// the server validates fields (`fieldValidation` on each kind's PATCH) and to find schemas.
import type { ResourceDefinition } from '../resource-definition.ts';
import { documentedSubresourcesOf, patchContentTypes, pathsOf, schemaOf, type OperationModel } from './resource-operations.ts';

export interface SwaggerDocument {
  readonly swagger: '2.0';
  readonly info: { readonly title: string; readonly version: string };
  readonly paths: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly definitions: Readonly<Record<string, unknown>>;
}

const parameter = (name: string, where: 'query' | 'path') => ({
  name,
  in: where,
  ...(where === 'path' ? { required: true } : {}),
  type: 'string',
  uniqueItems: true,
});

function operation(op: OperationModel): Record<string, unknown> {
  const ref = { $ref: `#/definitions/${op.answers}` };
  const body = op.body === 'object' ? ref : { type: 'object' };
  return {
    operationId: op.operationId,
    ...(op.body === 'patch' ? { consumes: [...patchContentTypes] } : op.body ? { consumes: ['application/json', 'application/yaml'] } : {}),
    produces: ['application/json', 'application/yaml'],
    parameters: [...(op.body ? [{ name: 'body', in: 'body', required: true, schema: body }] : []), ...op.query.map((name) => parameter(name, 'query'))],
    responses: { '200': { description: 'OK', schema: ref } },
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': op.gvk,
  };
}

export function swaggerDocument(definitions: readonly ResourceDefinition[]): SwaggerDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {};
  for (const d of definitions) {
    for (const path of [...pathsOf(d), ...documentedSubresourcesOf(d).map((sub) => sub.path)]) {
      paths[path.path] = {
        ...Object.fromEntries(path.operations.map((op) => [op.method, operation(op)])),
        parameters: path.pathParameters.map((name) => parameter(name, 'path')),
      };
    }
    for (const { name, gvk, schema } of [schemaOf(d), ...documentedSubresourcesOf(d).map((sub) => sub.schema)])
      schemas[name] = { ...schema, 'x-kubernetes-group-version-kind': [gvk] };
  }
  return { swagger: '2.0', info: { title: 'Imagestream', version: 'v1' }, paths, definitions: schemas };
}
