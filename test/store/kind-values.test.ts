import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryResourceStore } from '../../src/store/memory/memory-resource-store.ts';
import { getKindValue, listKindValues } from '../../src/store/kind-values.ts';
import { kinds } from '../../src/kube/kinds.ts';
import { objectKey } from '../../src/kube/object.ts';

describe('kind values', () => {
  it('reads an object from under its kind, namespace and name', async () => {
    const store = new MemoryResourceStore();
    await store.create(objectKey('image.openshift.io', 'imagestreams', 'shop', 'ruby'), { metadata: { name: 'ruby', namespace: 'shop' }, spec: { tags: [] } });
    const stream = await getKindValue(store, kinds.imageStreams, 'shop', 'ruby');
    assert.deepEqual(stream.spec, { tags: [] });
    await assert.rejects(getKindValue(store, kinds.imageStreams, 'other', 'ruby'), { kind: 'NotFound' });
  });

  it('ignores the namespace of a cluster-scoped kind', async () => {
    const store = new MemoryResourceStore();
    await store.create(objectKey('rbac.authorization.k8s.io', 'clusterroles', '', 'view'), { metadata: { name: 'view' }, rules: [] });
    assert.equal((await getKindValue(store, kinds.clusterRoles, 'shop', 'view')).metadata.name, 'view');
  });

  it('lists one namespace, or every namespace when none is given', async () => {
    const store = new MemoryResourceStore();
    for (const [namespace, name] of [
      ['a', 'one'],
      ['b', 'two'],
    ])
      await store.create(objectKey('', 'secrets', namespace, name), { metadata: { name, namespace }, type: 'Opaque' });
    assert.deepEqual(
      (await listKindValues(store, kinds.secrets, 'a')).items.map((s) => s.metadata?.name),
      ['one'],
    );
    assert.deepEqual(
      (await listKindValues(store, kinds.secrets, undefined)).items.map((s) => s.metadata?.name),
      ['one', 'two'],
    );
  });
});
