import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/api-harness.ts';

const secrets = '/api/v1/namespaces/default/secrets';
const secret = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, color: 'blue' }, stringData: { a: 'b' }, bogus: { x: 1 } });

describe('unknown fields of built-in kinds', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  it('drops them with a warning by default, and never stores them', async () => {
    const created = await h.request('POST', secrets, { body: secret('warned') });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('warning'), '299 - "unknown field \\"bogus\\"", 299 - "unknown field \\"metadata.color\\""');
    const stored = await h.request('GET', `${secrets}/warned`);
    assert.equal(stored.json.bogus, undefined);
    assert.equal(stored.json.metadata.color, undefined);
    assert.deepEqual(stored.json.data, { a: 'Yg==' });
  });

  it('drops them silently with fieldValidation=Ignore', async () => {
    const created = await h.request('POST', `${secrets}?fieldValidation=Ignore`, { body: secret('ignored') });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('warning'), null);
    assert.equal((await h.request('GET', `${secrets}/ignored`)).json.bogus, undefined);
  });

  it('refuses them with fieldValidation=Strict, in metadata too, and in what a patch adds', async () => {
    const strict = await h.request('POST', `${secrets}?fieldValidation=Strict`, { body: { ...secret('strict'), bogus: undefined } });
    assert.equal(strict.status, 400);
    assert.equal(strict.json.message, 'Secret in version "v1" cannot be handled as a Secret: strict decoding error: unknown field "metadata.color"');
    await h.request('POST', secrets, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'patched' } } });
    const patched = await h.request('PATCH', `${secrets}/patched?fieldValidation=Strict`, {
      body: { spec: { replicas: 1 } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(patched.status, 400);
    assert.equal(patched.json.message, 'Secret in version "v1" cannot be handled as a Secret: strict decoding error: unknown field "spec"');
  });
});

describe('unknown fields below the top level of image streams', () => {
  let h: Harness;
  const streams = '/apis/image.openshift.io/v1/namespaces/default/imagestreams';
  before(async () => {
    h = await startHarness();
  });

  it('refuses spec.tagz and a misspelt tag field under Strict, as kubectl apply asks', async () => {
    const typo = await h.request('POST', `${streams}?fieldValidation=Strict`, { body: { metadata: { name: 'typo' }, spec: { tagz: [{ name: 'v1' }] } } });
    assert.equal(typo.status, 400, typo.text);
    assert.equal(typo.json.message, 'ImageStream in version "v1" cannot be handled as a ImageStream: strict decoding error: unknown field "spec.tagz"');
    const nested = await h.request('POST', `${streams}?fieldValidation=Strict`, {
      body: { metadata: { name: 'nested' }, spec: { tags: [{ name: 'v1', fromm: { kind: 'DockerImage', name: 'x' }, importPolicy: { schedule: true } }] } },
    });
    assert.equal(
      nested.json.message,
      'ImageStream in version "v1" cannot be handled as a ImageStream: strict decoding error: unknown field "spec.tags[0].fromm", unknown field "spec.tags[0].importPolicy.schedule"',
    );
    assert.equal((await h.request('GET', `${streams}/typo`)).status, 404);
  });

  it('drops them with a warning by default, and keeps every field it knows, annotations included', async () => {
    const created = await h.request('POST', streams, {
      body: {
        metadata: { name: 'warned' },
        spec: {
          tagz: [],
          lookupPolicy: { local: true, global: true },
          tags: [{ name: 'v1', annotations: { anything: 'goes' }, from: { kind: 'DockerImage', name: 'quay.io/a/b:1' }, reference: true }],
        },
      },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.get('warning'), '299 - "unknown field \\"spec.tagz\\"", 299 - "unknown field \\"spec.lookupPolicy.global\\""');
    const stored = (await h.request('GET', `${streams}/warned`)).json;
    assert.equal(stored.spec.tagz, undefined);
    assert.deepEqual(stored.spec.lookupPolicy, { local: true });
    assert.deepEqual(stored.spec.tags[0].annotations, { anything: 'goes' });
  });
});

describe('unknown fields below the top level of workloads and bindings', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  it('keeps what a pod spec holds beyond the fields the server reads, and refuses a misspelt selector field under Strict', async () => {
    const deployments = '/apis/apps/v1/namespaces/default/deployments';
    const template = {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1', securityContext: { runAsNonRoot: true } }], volumes: [{ name: 'v', emptyDir: {} }] },
    };
    const kept = await h.request('POST', `${deployments}?fieldValidation=Strict`, {
      body: { metadata: { name: 'kept' }, spec: { selector: { matchLabels: { app: 'web' } }, template, strategy: { type: 'Recreate' } } },
    });
    assert.equal(kept.status, 201, kept.text);
    assert.deepEqual(kept.json.spec.template.spec.volumes, [{ name: 'v', emptyDir: {} }]);
    assert.deepEqual(kept.json.spec.template.spec.containers[0].securityContext, { runAsNonRoot: true });
    const typo = await h.request('POST', `${deployments}?fieldValidation=Strict`, {
      body: { metadata: { name: 'typo' }, spec: { selector: { matchLabel: { app: 'web' } }, template } },
    });
    assert.equal(typo.status, 400, typo.text);
    assert.equal(
      typo.json.message,
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.selector.matchLabel"',
    );
  });

  it('refuses a misspelt roleRef field under Strict', async () => {
    const typo = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings?fieldValidation=Strict', {
      body: { metadata: { name: 'typo' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view', nmae: 'x' }, subjects: [] },
    });
    assert.equal(typo.status, 400, typo.text);
    assert.equal(typo.json.message, 'RoleBinding in version "v1" cannot be handled as a RoleBinding: strict decoding error: unknown field "roleRef.nmae"');
  });
});
