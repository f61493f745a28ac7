import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';
import { pushImage } from '../../support/registry-client.ts';

type Schema = { $ref?: string; type?: string; properties?: Record<string, Schema>; items?: Schema; additionalProperties?: Schema };

/**
 * What kubectl's client-side validation (kube-openapi's, run on the items of a `kind: List`, as
 * `kubectl get … -o yaml` writes) says of a value: an object schema with properties knows its keys,
 * one without takes anything, as does a schema without a type; nulls are skipped.
 */
function problems(schema: Schema, value: unknown, path: string, definitions: Record<string, Schema>): string[] {
  if (schema.$ref) return problems(definitions[schema.$ref.replace('#/definitions/', '')], value, path, definitions);
  if (value === null || value === undefined || schema.type === undefined) return [];
  const isObject = typeof value === 'object' && !Array.isArray(value);
  switch (schema.type) {
    case 'object': {
      if (!isObject) return [`${path}: expected an object`];
      const entries = Object.entries(value as Record<string, unknown>);
      if (schema.properties) {
        return entries.flatMap(([key, v]) =>
          schema.properties![key] ? problems(schema.properties![key], v, `${path}.${key}`, definitions) : [`${path}: unknown field "${key}"`],
        );
      }
      return schema.additionalProperties ? entries.flatMap(([key, v]) => problems(schema.additionalProperties!, v, `${path}.${key}`, definitions)) : [];
    }
    case 'array':
      return Array.isArray(value) ? value.flatMap((v, i) => problems(schema.items!, v, `${path}[${i}]`, definitions)) : [`${path}: expected an array`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${path}: expected an integer`];
    default:
      return typeof value === schema.type ? [] : [`${path}: expected a ${schema.type}`];
  }
}

describe('the image kinds as their OpenAPI schemas describe them', () => {
  let h: Harness;
  let definitions: Record<string, Schema>;
  before(async () => {
    h = await startHarness();
    const digest = (await pushImage(h, 'default/ruby', '2.7', 'ruby27')).digest;
    const spec = {
      lookupPolicy: { local: true },
      tags: [
        { name: 'latest', from: { kind: 'ImageStreamTag', name: '2.7' }, referencePolicy: { type: 'Local' }, importPolicy: { importMode: 'Legacy' } },
        { name: 'pinned', from: { kind: 'ImageStreamImage', name: `ruby@${digest}` }, annotations: { description: 'the one we run' } },
        { name: 'upstream', reference: true, from: { kind: 'DockerImage', name: 'quay.io/org/ruby:3.0' } },
      ],
    };
    const patched = await h.request('PATCH', '/apis/image.openshift.io/v1/namespaces/default/imagestreams/ruby', {
      body: { spec },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(patched.status, 200, patched.text);
    definitions = (await h.request('GET', '/openapi/v2')).json.definitions;
  });

  for (const [kind, path] of [
    ['ImageStream', '/apis/image.openshift.io/v1/namespaces/default/imagestreams/ruby'],
    ['ImageStreamTag', '/apis/image.openshift.io/v1/namespaces/default/imagestreamtags/ruby:2.7'],
    ['ImageStreamTag', '/apis/image.openshift.io/v1/namespaces/default/imagestreamtags/ruby:pinned'],
  ]) {
    it(`holds every field of a served ${kind} (${path.split('/').at(-1)}), so kubectl validates a List of them`, async () => {
      const answer = await h.request('GET', path);
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(problems(definitions[`image.openshift.io.v1.${kind}`], answer.json, kind, definitions), []);
    });
  }

  it('holds every field of a served Image, so kubectl validates a List of them', async () => {
    const images = (await h.request('GET', '/apis/image.openshift.io/v1/images')).json.items;
    assert.ok(images.length > 0);
    for (const image of images) assert.deepEqual(problems(definitions['image.openshift.io.v1.Image'], image, 'Image', definitions), []);
  });

  it('catches a typo below the top level, as kubectl will', () => {
    const typo = { spec: { tags: [{ name: 'x', importPolicy: { sheduled: true } }] } };
    assert.deepEqual(problems(definitions['image.openshift.io.v1.ImageStream'], typo, 'ImageStream', definitions), [
      'ImageStream.spec.tags[0].importPolicy: unknown field "sheduled"',
    ]);
  });
});
