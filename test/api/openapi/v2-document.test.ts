import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { swaggerDocument } from '../../../src/api/openapi/v2-document.ts';
import { findGroupVersionDocument } from '../../../src/api/openapi/v3-documents.ts';
import { builtInDefinitions } from '../../../src/api/resources/catalogue.ts';

const definitions = builtInDefinitions(() => 'registry.example');
const document = swaggerDocument(definitions) as any;

describe('the OpenAPI v2 document', () => {
  it("names each kind on every operation and on its definition, as kube-openapi's models look them up", () => {
    const item = document.paths['/apis/image.openshift.io/v1/namespaces/{namespace}/imagestreams/{name}'];
    for (const method of ['get', 'put', 'patch', 'delete'])
      assert.deepEqual(item[method]['x-kubernetes-group-version-kind'], { group: 'image.openshift.io', version: 'v1', kind: 'ImageStream' }, method);
    assert.deepEqual(document.definitions['image.openshift.io.v1.ImageStream']['x-kubernetes-group-version-kind'], [
      { group: 'image.openshift.io', version: 'v1', kind: 'ImageStream' },
    ]);
    assert.deepEqual(
      document.paths['/api/v1/namespaces/{name}'].patch['x-kubernetes-group-version-kind'],
      { group: '', version: 'v1', kind: 'Namespace' },
      "kubectl asks about Namespace's PATCH for kinds it does not find",
    );
  });

  it('offers fieldValidation on the writes, so kubectl leaves validation to the server', () => {
    for (const [path, method] of [
      ['/apis/image.openshift.io/v1/namespaces/{namespace}/imagestreams/{name}', 'patch'],
      ['/apis/image.openshift.io/v1/namespaces/{namespace}/imagestreams', 'post'],
      ['/apis/apps/v1/namespaces/{namespace}/deployments/{name}', 'put'],
    ]) {
      const parameters = document.paths[path][method].parameters;
      assert.ok(
        parameters.some((p: { name: string; in: string }) => p.name === 'fieldValidation' && p.in === 'query'),
        `${method} ${path}`,
      );
    }
  });

  it('asks for merge patches, never strategic ones, so kubectl computes those from its built-in types', () => {
    const patch = document.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    assert.deepEqual(patch.consumes, ['application/json-patch+json', 'application/merge-patch+json']);
  });

  it('describes the fields with the same schemas as the v3 documents', () => {
    const v3 = findGroupVersionDocument(definitions, 'apis/image.openshift.io/v1') as any;
    const { 'x-kubernetes-group-version-kind': gvk, ...schema } = document.definitions['image.openshift.io.v1.ImageStream'];
    const { 'x-kubernetes-group-version-kind': gvk3, ...schema3 } = v3.components.schemas['image.openshift.io.v1.ImageStream'];
    assert.deepEqual(schema, schema3);
    assert.deepEqual(gvk, gvk3);
    assert.equal(schema.properties.spec.properties.tags.description, 'The tags of the stream: each maps a name to a source of images.');
  });

  it('refers from each operation to its definition, which exists', () => {
    for (const item of Object.values(document.paths) as Record<string, any>[]) {
      for (const [method, op] of Object.entries(item)) {
        if (method === 'parameters') continue;
        const ref: string = op.responses['200'].schema.$ref;
        assert.ok(document.definitions[ref.replace('#/definitions/', '')], ref);
      }
    }
  });
});
