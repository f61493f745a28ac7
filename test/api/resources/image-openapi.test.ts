import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';
import { pushImage } from '../../support/registry-client.ts';
import { putImage, putManifestList, startFakeUpstream, type FakeUpstream } from '../../support/fake-upstream.ts';

type Schema = {
  $ref?: string;
  type?: string;
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema;
  required?: string[];
};

/**
 * What kubectl's client-side validation (kube-openapi's, run on the items of a `kind: List`, as
 * `kubectl get … -o yaml` writes) says of a value: an object schema with properties knows its keys
 * and needs its required ones, one without takes anything, as does a schema without a type; nulls
 * are skipped.
 */
function problems(schema: Schema, value: unknown, path: string, definitions: Record<string, Schema>): string[] {
  if (schema.$ref) return problems(definitions[schema.$ref.replace('#/definitions/', '')], value, path, definitions);
  if (value === null || value === undefined || schema.type === undefined) return [];
  const isObject = typeof value === 'object' && !Array.isArray(value);
  switch (schema.type) {
    case 'object': {
      if (!isObject) return [`${path}: expected an object`];
      const entries = Object.entries(value as Record<string, unknown>);
      const missing = (schema.required ?? []).filter((key) => !(key in (value as object))).map((key) => `${path}: missing required field "${key}"`);
      if (schema.properties) {
        return [
          ...missing,
          ...entries.flatMap(([key, v]) =>
            schema.properties![key] ? problems(schema.properties![key], v, `${path}.${key}`, definitions) : [`${path}: unknown field "${key}"`],
          ),
        ];
      }
      return schema.additionalProperties
        ? [...missing, ...entries.flatMap(([key, v]) => problems(schema.additionalProperties!, v, `${path}.${key}`, definitions))]
        : missing;
    }
    case 'array':
      return Array.isArray(value) ? value.flatMap((v, i) => problems(schema.items!, v, `${path}[${i}]`, definitions)) : [`${path}: expected an array`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${path}: expected an integer`];
    default:
      return typeof value === schema.type ? [] : [`${path}: expected a ${schema.type}`];
  }
}

/** Every field below `schema` that kubectl explain would show as `<no description>`. */
function undescribed(schema: Schema, path: string): string[] {
  const here = schema.description ? [] : [path];
  const below = Object.entries(schema.properties ?? {}).flatMap(([key, s]) => undescribed(s, `${path}.${key}`));
  return [...here, ...below, ...(schema.items ? undescribed(schema.items, `${path}[]`) : [])];
}

const image = '/apis/image.openshift.io/v1';

describe('the image, project and user kinds as their OpenAPI schemas describe them', () => {
  let h: Harness;
  let upstream: FakeUpstream;
  let definitions: Record<string, Schema>;
  let digest: string;
  let imported: { status: number; json: Record<string, unknown> };
  before(async () => {
    h = await startHarness(['--max-images-bulk-imported-per-repository', '1']);
    upstream = await startFakeUpstream();
    putImage(upstream, 'org/app', '1.0', 'one');
    putImage(upstream, 'org/app', '2.0', 'two');
    putManifestList(upstream, 'org/multi', 'latest', 'multi');
    digest = (await pushImage(h, 'default/ruby', '2.7', 'ruby27')).digest;
    const spec = {
      lookupPolicy: { local: true },
      tags: [
        { name: 'latest', from: { kind: 'ImageStreamTag', name: '2.7' }, referencePolicy: { type: 'Local' }, importPolicy: { importMode: 'Legacy' } },
        { name: 'pinned', from: { kind: 'ImageStreamImage', name: `ruby@${digest}` }, annotations: { description: 'the one we run' } },
        { name: 'upstream', reference: true, from: { kind: 'DockerImage', name: 'quay.io/org/ruby:3.0' } },
      ],
    };
    const patched = await h.request('PATCH', `${image}/namespaces/default/imagestreams/ruby`, { body: { spec }, contentType: 'application/merge-patch+json' });
    assert.equal(patched.status, 200, patched.text);
    // An import of every shape: a single image into a tag, a manifest list whole, one that fails, and a repository.
    imported = await h.request('POST', `${image}/namespaces/default/imagestreamimports`, {
      body: {
        apiVersion: 'image.openshift.io/v1',
        kind: 'ImageStreamImport',
        metadata: { name: 'app' },
        spec: {
          import: true,
          images: [
            {
              from: { kind: 'DockerImage', name: `${upstream.host}/org/app:1.0` },
              to: { name: 'one' },
              importPolicy: { insecure: true },
              includeManifest: true,
            },
            {
              from: { kind: 'DockerImage', name: `${upstream.host}/org/multi:latest` },
              to: { name: 'multi' },
              importPolicy: { insecure: true, importMode: 'PreserveOriginal' },
              referencePolicy: { type: 'Local' },
            },
            { from: { kind: 'DockerImage', name: `${upstream.host}/org/app:nope` }, to: { name: 'missing' }, importPolicy: { insecure: true } },
          ],
          repository: { from: { kind: 'DockerImage', name: `${upstream.host}/org/app` }, importPolicy: { insecure: true } },
        },
      },
    });
    assert.equal(imported.status, 201, JSON.stringify(imported.json));
    definitions = (await h.request('GET', '/openapi/v2')).json.definitions;
  });
  after(async () => {
    await upstream.stop();
    await h.server.close();
  });

  const holds = (kind: string, object: unknown) => assert.deepEqual(problems(definitions[kind], object, kind.split('.').at(-1)!, definitions), []);

  for (const [kind, path] of [
    ['ImageStream', `${image}/namespaces/default/imagestreams/ruby`],
    ['ImageStream', `${image}/namespaces/default/imagestreams/app`],
    ['ImageStreamTag', `${image}/namespaces/default/imagestreamtags/ruby:2.7`],
    ['ImageStreamTag', `${image}/namespaces/default/imagestreamtags/ruby:pinned`],
    ['ImageStreamTag', `${image}/namespaces/default/imagestreamtags/app:multi`],
  ]) {
    it(`holds every field of a served ${kind} (${path.split('/').at(-1)}), so kubectl validates a List of them`, async () => {
      const answer = await h.request('GET', path);
      assert.equal(answer.status, 200, answer.text);
      holds(`image.openshift.io.v1.${kind}`, answer.json);
    });
  }

  it('holds every served Image, single and manifest list, so kubectl validates a List of them', async () => {
    const images = (await h.request('GET', `${image}/images`)).json.items;
    assert.ok(images.some((i: { dockerImageManifests?: unknown[] }) => i.dockerImageManifests?.length));
    assert.ok(images.some((i: { dockerImageLayers?: unknown[] }) => i.dockerImageLayers?.length));
    for (const served of images) holds('image.openshift.io.v1.Image', served);
  });

  it('holds a served ImageStreamImage', async () => {
    const answer = await h.request('GET', `${image}/namespaces/default/imagestreamimages/ruby@${digest}`);
    assert.equal(answer.status, 200, answer.text);
    holds('image.openshift.io.v1.ImageStreamImage', answer.json);
  });

  it('holds the layers and pull secrets of a stream, as its subresources answer them', async () => {
    const secret = await h.request('POST', '/api/v1/namespaces/default/secrets', {
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'pull' },
        type: 'kubernetes.io/dockerconfigjson',
        stringData: { '.dockerconfigjson': '{"auths":{}}' },
      },
    });
    assert.equal(secret.status, 201, secret.text);
    const layers = await h.request('GET', `${image}/namespaces/default/imagestreams/app/layers`);
    assert.equal(layers.status, 200, layers.text);
    assert.ok(Object.keys(layers.json.blobs).length > 0);
    holds('image.openshift.io.v1.ImageStreamLayers', layers.json);
    const secrets = await h.request('GET', `${image}/namespaces/default/imagestreams/app/secrets`);
    assert.equal(secrets.json.items.length, 1, secrets.text);
    holds('core.v1.SecretList', secrets.json);
  });

  it('holds an ImageStreamImport as sent and as answered: images, a manifest list, a failure and a repository', () => {
    const status = imported.json.status as { images: { status: { status: string } }[]; repository: unknown; import: unknown };
    assert.deepEqual(
      status.images.map((i) => i.status.status),
      ['Success', 'Success', 'Failure'],
    );
    assert.ok(status.repository && status.import);
    holds('image.openshift.io.v1.ImageStreamImport', imported.json);
  });

  it('holds an ImageStreamMapping as an integrator sends it', async () => {
    const served = (await h.request('GET', `${image}/images/${digest}`)).json;
    const mapping = {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStreamMapping',
      metadata: { name: 'ruby', namespace: 'default' },
      image: served,
      tag: 'mapped',
    };
    holds('image.openshift.io.v1.ImageStreamMapping', mapping);
    const answer = await h.request('POST', `${image}/namespaces/default/imagestreammappings`, { body: mapping });
    assert.equal(answer.status, 201, answer.text);
  });

  it('holds served projects, project requests, users and groups', async () => {
    const created = await h.request('POST', '/apis/project.openshift.io/v1/projectrequests', {
      body: { apiVersion: 'project.openshift.io/v1', kind: 'ProjectRequest', metadata: { name: 'demo' }, displayName: 'Demo', description: 'A demo' },
    });
    assert.equal(created.status, 201, created.text);
    holds('project.openshift.io.v1.ProjectRequest', {
      apiVersion: 'project.openshift.io/v1',
      kind: 'ProjectRequest',
      metadata: { name: 'demo' },
      displayName: 'Demo',
      description: 'A demo',
    });
    for (const project of (await h.request('GET', '/apis/project.openshift.io/v1/projects')).json.items) holds('project.openshift.io.v1.Project', project);
    await h.userToken('alice', ['devs']);
    for (const user of (await h.request('GET', '/apis/user.openshift.io/v1/users')).json.items) holds('user.openshift.io.v1.User', user);
    holds('user.openshift.io.v1.User', (await h.request('GET', '/apis/user.openshift.io/v1/users/~')).json);
    const group = await h.request('POST', '/apis/user.openshift.io/v1/groups', {
      body: { apiVersion: 'user.openshift.io/v1', kind: 'Group', metadata: { name: 'devs' }, users: ['alice'] },
    });
    assert.equal(group.status, 201, group.text);
    holds('user.openshift.io.v1.Group', group.json);
  });

  it('catches a typo below the top level, and a missing required field, as kubectl will', () => {
    const typo = { spec: { tags: [{ name: 'x', importPolicy: { sheduled: true } }, { from: { kind: 'DockerImage', name: 'a/b:c' } }] } };
    assert.deepEqual(problems(definitions['image.openshift.io.v1.ImageStream'], typo, 'ImageStream', definitions), [
      'ImageStream.spec.tags[0].importPolicy: unknown field "sheduled"',
      'ImageStream.spec.tags[1]: missing required field "name"',
    ]);
  });

  for (const group of ['image.openshift.io', 'project.openshift.io', 'user.openshift.io']) {
    it(`describes every ${group} kind, and every field of it`, () => {
      const kinds = Object.entries(definitions).filter(([name]) => name.startsWith(`${group}.v1.`));
      assert.ok(kinds.length >= 2);
      for (const [name, schema] of kinds) {
        assert.ok((schema.description ?? '').length > 60, `${name}: ${schema.description}`);
        assert.deepEqual(undescribed(schema, name), [], name);
      }
    });
  }

  it("says what OpenShift's documentation says a field means", () => {
    const stream = definitions['image.openshift.io.v1.ImageStream'];
    assert.match(stream.properties!.spec.properties!.lookupPolicy.properties!.local.description!, /short image references.*"mysql" or "php:latest"/);
    const imports = definitions['image.openshift.io.v1.ImageStreamImport'];
    assert.match(imports.properties!.spec.properties!.images.items!.properties!.from.description!, /only kind DockerImage/);
    assert.deepEqual(imports.properties!.spec.properties!.images.items!.required, ['from']);
    assert.match(definitions['image.openshift.io.v1.ImageStreamMapping'].description!, /privileged integrators/);
  });
});

type Known = unknown;

/**
 * Where field validation (the kinds' known-field declarations) and the OpenAPI schema disagree:
 * a field one knows and the other does not. Read loosely, so it holds for any declaration form:
 * `true` or a type name takes anything, a one-element array describes the elements of a list, an
 * object names its fields (`'*'` stands for the fields it does not name).
 */
function disagreements(known: Known, schema: Schema | undefined, path: string): string[] {
  if (!schema) return [`${path}: known to field validation, not in the OpenAPI schema`];
  if (Array.isArray(known)) return disagreements(known[0], schema.items ?? schema, `${path}[]`);
  if (typeof known !== 'object' || known === null) return [];
  const fields = known as Record<string, Known>;
  const named = Object.keys(fields).filter((key) => key !== '*');
  const below = named.flatMap((key) => disagreements(fields[key], schema.properties?.[key] ?? schema.additionalProperties, `${path}.${key}`));
  const open = '*' in fields || !schema.properties;
  const extra = open ? [] : Object.keys(schema.properties!).filter((key) => !named.includes(key));
  return [...below, ...extra.map((key) => `${path}.${key}: in the OpenAPI schema, refused by field validation`)];
}

describe('the OpenAPI schemas and field validation', () => {
  it('know the same fields, so kubectl explain documents what the server accepts and nothing it refuses', async () => {
    const { builtInDefinitions } = await import('../../../src/api/resources/catalogue.ts');
    const { schemaOf } = await import('../../../src/api/openapi/resource-operations.ts');
    const checked: string[] = [];
    for (const d of builtInDefinitions(() => 'registry.example')) {
      if (!d.schema || !d.openApi) continue;
      const properties = schemaOf(d).schema.properties as Record<string, Schema>;
      for (const [field, known] of Object.entries(d.schema)) {
        checked.push(`${d.kind}.${field}`);
        assert.deepEqual(disagreements(known, properties[field], `${d.kind}.${field}`), []);
      }
    }
    assert.ok(checked.includes('ImageStream.spec'), checked.join(', '));
  });
});
