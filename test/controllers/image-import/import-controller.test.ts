import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from '../../support/api-harness.ts';
import { putImage, startFakeUpstream } from '../../support/fake-upstream.ts';
import { pendingRepository } from '../../../src/controllers/image-import/pending-imports.ts';

const streams = '/apis/image.openshift.io/v1/namespaces/default/imagestreams';

/** Polls `read` until `done` holds, for at most ten seconds (a busy machine may take a while). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('importing spec.dockerImageRepository', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it("imports a new stream repository's tags, marks it checked, and imports again when the repository changes", async () => {
    const upstream = await startFakeUpstream();
    const h = await startHarness();
    cleanups.push(
      () => upstream.stop(),
      () => h.server.close(),
    );
    const digests = Object.fromEntries(['2.0', 'latest', '1.9'].map((tag) => [tag, putImage(upstream, 'openshift/ruby-20-centos7', tag, `ruby-${tag}`)]));
    const other = putImage(upstream, 'openshift/ruby-22', '2.2', 'ruby-2.2');
    const created = await h.request('POST', streams, {
      body: {
        apiVersion: 'image.openshift.io/v1',
        kind: 'ImageStream',
        metadata: { name: 'my-ruby', annotations: { 'openshift.io/image.insecureRepository': 'true' } },
        spec: { dockerImageRepository: `${upstream.host}/openshift/ruby-20-centos7` },
      },
    });
    assert.equal(created.status, 201, created.text);
    const read = async () => (await h.request('GET', `${streams}/my-ruby`)).json;
    const imported = await eventually(read, (s) => s.status?.tags?.length === 3);
    assert.deepEqual(Object.fromEntries(imported.status.tags.map((t: { tag: string; items: { image: string }[] }) => [t.tag, t.items[0].image])), digests);
    assert.ok(imported.metadata.annotations['openshift.io/image.dockerRepositoryCheck'], 'the repository is marked as checked');
    assert.deepEqual(
      imported.spec.tags.map((t: { name: string; from: { name: string } }) => [t.name, t.from.name]),
      ['1.9', '2.0', 'latest'].map((tag) => [tag, `${upstream.host}/openshift/ruby-20-centos7:${tag}`]),
    );
    // The stream says its repository is insecure: the spec tags made for it keep that policy, as OpenShift's.
    assert.deepEqual(
      imported.spec.tags.map((t: { importPolicy?: { insecure?: boolean } }) => t.importPolicy?.insecure),
      [true, true, true],
    );
    // Checked once: the controller does not import it again on every change of the stream.
    assert.equal(pendingRepository(imported), undefined);

    const changed = await h.request('PUT', `${streams}/my-ruby`, {
      body: { ...imported, spec: { ...imported.spec, dockerImageRepository: `${upstream.host}/openshift/ruby-22` } },
    });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.json.metadata.annotations['openshift.io/image.dockerRepositoryCheck'], undefined, 'a new repository is not checked yet');
    const again = await eventually(read, (s) => s.status?.tags?.some((t: { tag: string }) => t.tag === '2.2'));
    assert.equal(again.status.tags.find((t: { tag: string }) => t.tag === '2.2').items[0].image, other);
  });

  it('refuses a repository that is not an image repository', async () => {
    const h = await startHarness();
    cleanups.push(() => h.server.close());
    // A number is not even a string: Kubernetes' decoder refuses it with 400 before any rule (422) runs.
    for (const [repository, status] of [
      ['quay.io/org/app:1.0', 422],
      ['Not A Reference', 422],
      [42, 400],
    ] as const) {
      const refused = await h.request('POST', streams, { body: { metadata: { name: 'bad-repo' }, spec: { dockerImageRepository: repository } } });
      assert.equal(refused.status, status, refused.text);
      assert.match(refused.json.message, /spec\.dockerImageRepository/);
    }
  });
});

describe('the import controller across leadership rounds', () => {
  it('imports again when this replica leads a second time (the first round shut its queue down)', async () => {
    const { MemoryResourceStore } = await import('../../../src/store/memory/memory-resource-store.ts');
    const { ImportController } = await import('../../../src/controllers/image-import/import-controller.ts');
    const { createLogger } = await import('../../../src/lib/logger.ts');
    const store = new MemoryResourceStore();
    const imported: string[] = [];
    const controller = new ImportController({
      store,
      logger: createLogger({ write: () => {} }),
      importTags: async (_namespace, name) => void imported.push(name),
    });
    const stream = (name: string) => ({
      metadata: { name, namespace: 'default' },
      spec: { tags: [{ name: 'v1', generation: 1, from: { kind: 'DockerImage', name: 'quay.io/org/app:v1' } }] },
      status: {},
    });
    const firstRound = new AbortController();
    controller.run(firstRound.signal);
    await store.create('image.openshift.io/imagestreams/default/first', stream('first'));
    await eventually(
      async () => imported,
      (names) => names.includes('first'),
    );
    firstRound.abort();

    controller.run(new AbortController().signal);
    await store.create('image.openshift.io/imagestreams/default/second', stream('second'));
    const names = await eventually(
      async () => imported,
      (names) => names.includes('second'),
    );
    assert.ok(names.includes('second'), 'the second round imported nothing');
  });
});
