import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFields } from '../../../src/api/protobuf/wire.ts';
import { encodeSwaggerDocument } from '../../../src/api/openapi/gnostic-protobuf.ts';
import { swaggerDocument } from '../../../src/api/openapi/v2-document.ts';
import { startHarness, type Harness } from '../../support/api-harness.ts';

// Reads gnostic's openapi_v2 messages back by field number, to check what kubectl's Go decoder will see.
const fields = (bytes: Buffer, number: number): Buffer[] =>
  readFields(bytes).flatMap((f) => (f.number === number && Buffer.isBuffer(f.value) ? [f.value] : []));
const field = (bytes: Buffer, number: number): Buffer | undefined => fields(bytes, number)[0];
const text = (bytes: Buffer | undefined, number: number): string => (bytes && field(bytes, number)?.toString('utf8')) ?? '';
const varint = (bytes: Buffer, number: number): bigint | undefined =>
  readFields(bytes).find((f) => f.number === number && !Buffer.isBuffer(f.value))?.value as bigint;
/** Repeated NamedX entries (name 1, value 2) as a map. */
const named = (bytes: Buffer | undefined, number: number): Map<string, Buffer> =>
  new Map((bytes ? fields(bytes, number) : []).map((entry) => [text(entry, 1), field(entry, 2) ?? Buffer.alloc(0)]));
/** Vendor extensions (NamedAny whose Any holds YAML in field 2), parsed: the server writes JSON, which is YAML. */
const extensions = (bytes: Buffer, number: number): Map<string, unknown> =>
  new Map([...named(bytes, number)].map(([name, any]) => [name, JSON.parse(text(any, 2))]));

describe('the OpenAPI v2 document as gnostic protobuf', () => {
  let h: Harness;
  let document: Buffer;
  before(async () => {
    h = await startHarness();
    const response = await h.server.handle(
      new Request('http://127.0.0.1:8080/openapi/v2', {
        headers: { authorization: `Bearer ${h.adminToken}`, accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
      }),
      'test',
    );
    assert.equal(response.status, 200);
    // Go's mime parser, which client-go runs on every answer, refuses the `@` of the type kubectl asks for.
    assert.equal(response.headers.get('content-type'), 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    document = Buffer.from(await response.arrayBuffer());
  });

  it('is a Swagger 2.0 Document with paths and definitions', () => {
    assert.equal(text(document, 1), '2.0');
    const paths = named(field(document, 8), 2);
    assert.ok(paths.has('/apis/image.openshift.io/v1/namespaces/{namespace}/imagestreams/{name}'));
    assert.ok(paths.has('/api/v1/namespaces/{namespace}/secrets'));
    const definitions = named(field(document, 9), 1);
    assert.ok(definitions.has('image.openshift.io.v1.ImageStream'));
  });

  it("marks each kind's PATCH with its group-version-kind and the fieldValidation query parameter, as kubectl's verifier reads them", () => {
    const paths = named(field(document, 8), 2);
    const item = paths.get('/apis/image.openshift.io/v1/namespaces/{namespace}/imagestreams/{name}')!;
    const patch = field(item, 8)!;
    assert.deepEqual(extensions(patch, 13).get('x-kubernetes-group-version-kind'), { group: 'image.openshift.io', version: 'v1', kind: 'ImageStream' });
    // ParametersItem → Parameter → NonBodyParameter → QueryParameterSubSchema, whose name is field 4.
    const queryNames = fields(patch, 8).map((p) => text(field(field(field(p, 1)!, 2) ?? Buffer.alloc(0), 3), 4));
    assert.ok(queryNames.includes('fieldValidation'), queryNames.join());
    assert.deepEqual(fields(patch, 7).map(String), ['application/json-patch+json', 'application/merge-patch+json']);
    // The path parameters: PathParameterSubSchema (4), required.
    const pathParameters = fields(item, 9).map((p) => field(field(field(p, 1)!, 2)!, 4)!);
    assert.deepEqual(
      pathParameters.map((p) => text(p, 4)),
      ['name', 'namespace'],
    );
    assert.ok(pathParameters.every((p) => varint(p, 1) === 1n));
  });

  it('gives POST a body parameter referring to the definition', () => {
    const paths = named(field(document, 8), 2);
    const post = field(paths.get('/apis/image.openshift.io/v1/namespaces/{namespace}/imagestreams')!, 4)!;
    const body = field(field(fields(post, 8)[0], 1)!, 1)!;
    assert.equal(text(body, 2), 'body');
    assert.equal(text(body, 3), 'body');
    assert.equal(text(field(body, 5), 1), '#/definitions/image.openshift.io.v1.ImageStream');
  });

  it('carries the described fields and the kind of each definition, for kubectl explain', () => {
    const stream = named(field(document, 9), 1).get('image.openshift.io.v1.ImageStream')!;
    assert.deepEqual(extensions(stream, 31).get('x-kubernetes-group-version-kind'), [{ group: 'image.openshift.io', version: 'v1', kind: 'ImageStream' }]);
    const spec = named(field(stream, 25), 1).get('spec')!;
    const tags = named(field(spec, 25), 1).get('tags')!;
    assert.equal(text(tags, 4), 'The tags of the stream: each maps a name to a source of images.');
    assert.deepEqual(fields(field(tags, 22)!, 1).map(String), ['array']);
    // Arrays hold exactly one item schema (ItemsItem), or kube-openapi refuses the whole document.
    const item = fields(field(tags, 23)!, 1);
    assert.equal(item.length, 1);
    assert.ok(named(field(item[0], 25), 1).has('importPolicy'));
  });

  it('holds every path and definition of the JSON document, which clients get when they do not ask for protobuf', async () => {
    const json = (await h.request('GET', '/openapi/v2')).json;
    assert.equal(json.swagger, '2.0');
    assert.deepEqual([...named(field(document, 8), 2).keys()], Object.keys(json.paths));
    assert.deepEqual([...named(field(document, 9), 1).keys()], Object.keys(json.definitions));
  });

  it('answers only a logged-in user, as every API document', async () => {
    assert.equal((await h.request('GET', '/openapi/v2', { token: null })).status, 401);
  });

  it('refuses to encode a key it does not know rather than drop it', () => {
    const json = swaggerDocument([]);
    assert.throws(
      () => encodeSwaggerDocument({ ...json, definitions: { Thing: { type: 'object', minLength: 1 } } }),
      /Schema: the protobuf encoder does not know "minLength"/,
    );
  });
});
