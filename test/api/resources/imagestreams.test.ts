import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';
import { objectKey } from '../../../src/kube/object.ts';

const streams = '/apis/image.openshift.io/v1/namespaces/default/imagestreams';
const dockerTag = (name: string, from: string) => ({ name, from: { kind: 'DockerImage', name: from } });
const stream = (name: string, tags: unknown[]) => ({ apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name }, spec: { tags } });

describe('imagestreams', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.server.close();
  });

  it('refuses a spec tag whose DockerImage source is not a reference, naming the field', async () => {
    const answer = await h.request('POST', streams, { body: stream('bad', [dockerTag('1', 'quay.io/org/app:1'), dockerTag('2', 'host/UPPER/Case::x')]) });
    assert.equal(answer.status, 422);
    assert.deepEqual(answer.json.details.causes, [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.tags[1].from.name',
        message: 'Invalid value: "host/UPPER/Case::x": repository names must be lower case letters, digits and separators (. _ __ -)',
      },
    ]);
    assert.equal((await h.request('GET', `${streams}/bad`)).status, 404);
  });

  it('keeps a stream stored with a malformed source before sources were checked writable, so it can be fixed', async () => {
    // As an older server stored it, past validation.
    const created = await h.request('POST', streams, { body: stream('legacy', [dockerTag('old', 'quay.io/org/app:1')]) });
    assert.equal(created.status, 201);
    const key = objectKey('image.openshift.io', 'imagestreams', 'default', 'legacy');
    const stored = await h.store.get(key);
    const value = structuredClone(stored.value) as { spec: { tags: { from: { name: string } }[] } };
    value.spec.tags[0].from.name = 'host/UPPER/Case::x';
    await h.store.update(key, value);

    const current = (await h.request('GET', `${streams}/legacy`)).json;
    const labelled = await h.request('PUT', `${streams}/legacy`, { body: { ...current, metadata: { ...current.metadata, labels: { team: 'a' } } } });
    assert.equal(labelled.status, 200, 'an unchanged source is not checked again');
    const changedToBad = await h.request('PUT', `${streams}/legacy`, { body: { ...labelled.json, spec: { tags: [dockerTag('old', 'host/STILL/Bad')] } } });
    assert.equal(changedToBad.status, 422, 'a changed source is');
    const fixed = await h.request('PUT', `${streams}/legacy`, { body: { ...labelled.json, spec: { tags: [dockerTag('old', 'quay.io/org/app:2')] } } });
    assert.equal(fixed.status, 200);
  });
});
