import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';
import { pushImage } from '../../support/registry-client.ts';

const deployments = '/apis/apps/v1/namespaces/default/deployments';
const deployment = (
  name: string,
  containers: Record<string, unknown>[],
  annotations: Record<string, string> = {},
  templateAnnotations: Record<string, string> = {},
) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, annotations },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name }, annotations: templateAnnotations }, spec: { containers } } },
});
const trigger = (from: string, container: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify([{ from: { kind: 'ImageStreamTag', name: from }, fieldPath: `spec.template.spec.containers[?(@.name=="${container}")].image`, ...extra }]);

describe('workload image admission', () => {
  let h: Harness;
  let digest: string;
  before(async () => {
    h = await startHarness();
    digest = (await pushImage(h, 'default/python', 'prod', 'python')).digest;
  });

  it('defaults pull policies from the tag: latest or none is Always, others IfNotPresent', async () => {
    const created = await h.request('POST', deployments, {
      body: deployment('policies', [
        { name: 'a', image: 'nginx' },
        { name: 'b', image: 'nginx:latest' },
        { name: 'c', image: 'nginx:1.25' },
        { name: 'd', image: `nginx@${digest}` },
        { name: 'e', image: 'nginx', imagePullPolicy: 'Never' },
      ]),
    });
    assert.deepEqual(
      created.json.spec.template.spec.containers.map((c: { imagePullPolicy: string }) => c.imagePullPolicy),
      ['Always', 'Always', 'IfNotPresent', 'IfNotPresent', 'Never'],
    );
  });

  it('sets a triggered container to the tag image on create', async () => {
    const created = await h.request('POST', deployments, {
      body: deployment('triggered', [{ name: 'web', image: 'placeholder' }], { 'image.openshift.io/triggers': trigger('python:prod', 'web') }),
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.spec.template.spec.containers[0].image, `127.0.0.1:8080/default/python@${digest}`);
    assert.equal(created.json.spec.template.spec.containers[0].imagePullPolicy, 'Always', 'defaulted from what the user wrote (no tag), before the rewrite');
  });

  it('reads paused given as the strings "true" and "false", as the documented schema writes it, and refuses anything else', async () => {
    const notPaused = await h.request('POST', deployments, {
      body: deployment('paused-string-false', [{ name: 'web', image: 'placeholder' }], {
        'image.openshift.io/triggers': trigger('python:prod', 'web', { paused: 'false' }),
      }),
    });
    assert.equal(notPaused.status, 201, notPaused.text);
    assert.equal(notPaused.json.spec.template.spec.containers[0].image, `127.0.0.1:8080/default/python@${digest}`);
    const paused = await h.request('POST', deployments, {
      body: deployment('paused-string-true', [{ name: 'web', image: 'placeholder' }], {
        'image.openshift.io/triggers': trigger('python:prod', 'web', { paused: 'true' }),
      }),
    });
    assert.equal(paused.json.spec.template.spec.containers[0].image, 'placeholder');
    for (const [i, value] of (['yes', 1, 'False'] as unknown[]).entries()) {
      const refused = await h.request('POST', deployments, {
        body: deployment(`paused-bad-${i}`, [{ name: 'web', image: 'placeholder' }], {
          'image.openshift.io/triggers': trigger('python:prod', 'web', { paused: value }),
        }),
      });
      assert.equal(refused.status, 422, refused.text);
      assert.match(refused.json.message, /paused must be true or false/);
    }
  });

  it('leaves paused triggers and tags without images alone', async () => {
    const paused = await h.request('POST', deployments, {
      body: deployment('paused', [{ name: 'web', image: 'placeholder' }], { 'image.openshift.io/triggers': trigger('python:prod', 'web', { paused: true }) }),
    });
    assert.equal(paused.json.spec.template.spec.containers[0].image, 'placeholder');
    const pending = await h.request('POST', deployments, {
      body: deployment('pending', [{ name: 'web', image: 'placeholder' }], { 'image.openshift.io/triggers': trigger('python:none', 'web') }),
    });
    assert.equal(pending.json.spec.template.spec.containers[0].image, 'placeholder');
  });

  it('rejects invalid trigger annotations with a clear message', async () => {
    const cases: [string, RegExp][] = [
      ['not json', /must be a JSON list/],
      [trigger('python:prod', 'nope'), /no such container/],
      [
        JSON.stringify([{ from: { kind: 'ImageStreamTag', name: 'python:prod' }, fieldPath: 'spec.template.spec.containers[x].image' }]),
        /field path is not valid/,
      ],
      [JSON.stringify([{ from: { kind: 'ImageStreamTag', name: 'python' }, fieldPath: 'spec.template.spec.containers[0].image' }]), /must be <stream>:<tag>/],
      [JSON.stringify([...JSON.parse(trigger('python:prod', 'web')), ...JSON.parse(trigger('python:prod', 'web'))]), /duplicate triggers are not allowed/],
    ];
    for (const [value, message] of cases) {
      const answer = await h.request('POST', deployments, {
        body: deployment('bad-trigger', [{ name: 'web', image: 'x' }], { 'image.openshift.io/triggers': value }),
      });
      assert.equal(answer.status, 422, value);
      assert.match(answer.json.message, message);
    }
  });

  it('resolves a short name when the stream allows local lookup, and not otherwise', async () => {
    const before = await h.request('POST', deployments, { body: deployment('no-lookup', [{ name: 'web', image: 'python:prod' }]) });
    assert.equal(before.json.spec.template.spec.containers[0].image, 'python:prod');
    const stream = (await h.request('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreams/python')).json;
    await h.request('PUT', '/apis/image.openshift.io/v1/namespaces/default/imagestreams/python', {
      body: { ...stream, spec: { ...stream.spec, lookupPolicy: { local: true } } },
    });
    const resolved = await h.request('POST', deployments, {
      body: deployment('lookup', [
        { name: 'web', image: 'python:prod' },
        { name: 'other', image: 'quay.io/org/python:prod' },
      ]),
    });
    assert.equal(resolved.json.spec.template.spec.containers[0].image, `127.0.0.1:8080/default/python@${digest}`);
    assert.equal(resolved.json.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.equal(resolved.json.spec.template.spec.containers[1].image, 'quay.io/org/python:prod', 'references with a registry are left alone');
    const missingTag = await h.request('POST', deployments, { body: deployment('lookup-missing', [{ name: 'web', image: 'python:next' }]) });
    assert.equal(missingTag.json.spec.template.spec.containers[0].image, '127.0.0.1:8080/default/python:next', 'never falls back to Docker Hub');
  });

  it('resolves every name when the object asks with the resolve-names annotation, and skips controller-owned objects', async () => {
    await pushImage(h, 'default/private', 'v1', 'private');
    const annotated = await h.request('POST', deployments, {
      body: deployment('annotated', [{ name: 'web', image: 'private:v1' }], {}, { 'alpha.image.policy.openshift.io/resolve-names': '*' }),
    });
    assert.match(annotated.json.spec.template.spec.containers[0].image, /^127\.0\.0\.1:8080\/default\/private@sha256:/);
    const owned = await h.request('POST', '/api/v1/namespaces/default/pods', {
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'owned',
          annotations: { 'alpha.image.policy.openshift.io/resolve-names': '*' },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true }],
        },
        spec: { containers: [{ name: 'web', image: 'private:v1' }] },
      },
    });
    assert.equal(owned.json.spec.containers[0].image, 'private:v1');
  });
});

describe('image trigger controller', () => {
  it('moves a triggered deployment to the new image when the tag changes, and leaves paused ones', async () => {
    const h = await startHarness();
    const first = (await pushImage(h, 'default/app', 'prod', 'first')).digest;
    await h.request('POST', deployments, {
      body: deployment('follows', [{ name: 'web', image: 'x' }], { 'image.openshift.io/triggers': trigger('app:prod', 'web') }),
    });
    await h.request('POST', deployments, {
      body: deployment('stays', [{ name: 'web', image: 'x' }], { 'image.openshift.io/triggers': trigger('app:prod', 'web', { paused: true }) }),
    });
    const image = async (name: string) => (await h.request('GET', `${deployments}/${name}`)).json.spec.template.spec.containers[0].image as string;
    assert.equal(await image('follows'), `127.0.0.1:8080/default/app@${first}`);
    const second = (await pushImage(h, 'default/app', 'prod', 'second')).digest;
    let current = '';
    for (let i = 0; i < 100 && !current.endsWith(second); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      current = await image('follows');
    }
    assert.equal(current, `127.0.0.1:8080/default/app@${second}`);
    assert.equal(await image('stays'), 'x');
    const generation = (await h.request('GET', `${deployments}/follows`)).json.metadata.generation;
    assert.equal(generation, 2, 'one update for one change');
    await h.server.close();
  });
});
