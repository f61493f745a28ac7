import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planOrphanBlobs, planPrune, useOf, withoutPrunedRevisions, type PruneImage, type StoredBlob } from '../../src/image/prune-plan.ts';
import type { ImageStream } from '../../src/image/image-stream.ts';

const old = '2020-01-01T00:00:00Z';
const image = (name: string, extra: Partial<PruneImage> = {}): PruneImage => ({
  name,
  created: old,
  managed: true,
  size: 10,
  layers: [`layer-${name}`],
  children: [],
  ...extra,
});
const stream = (items: string[]): ImageStream => ({
  metadata: { name: 'app', namespace: 'ns', creationTimestamp: old },
  spec: {},
  status: { tags: [{ tag: 'latest', items: items.map((i) => ({ created: old, dockerImageReference: `r/ns/app@${i}`, image: i, generation: 1 })) }] },
});
const options = { keepTagRevisions: 1, keepYoungerThanMs: 0, all: true, now: Date.parse('2030-01-01T00:00:00Z') };
const none = { tags: new Set<string>(), images: new Set<string>() };

describe('prune plan', () => {
  it("keeps a kept manifest list with its children, and takes a pruned list's children along", () => {
    const images = new Map([
      ['list-new', image('list-new', { layers: [], children: ['child-a', 'shared'] })],
      ['list-old', image('list-old', { layers: [], children: ['child-b', 'shared'] })],
      ['child-a', image('child-a')],
      ['child-b', image('child-b')],
      ['shared', image('shared')],
    ]);
    const plan = planPrune([stream(['list-new', 'list-old'])], images, none, options);
    assert.deepEqual(plan.images.map((i) => i.name).sort(), ['child-b', 'list-old']);
    assert.ok(!plan.blobs.includes('layer-shared'), 'a blob a kept image uses stays');
    assert.ok(plan.blobs.includes('layer-child-b'));
  });

  it('keeps what workloads use, young things, and managed-only with all=false', () => {
    const images = new Map([
      ['a', image('a')],
      ['b', image('b')],
      ['c', image('c', { managed: false })],
      ['young', image('young', { created: '2029-12-31T23:59:00Z' })],
    ]);
    const used = { tags: new Set<string>(), images: new Set(['ns/app@b']) };
    const plan = planPrune([stream(['a', 'b', 'c'])], images, used, { ...options, keepYoungerThanMs: 3_600_000, all: false });
    assert.deepEqual(
      plan.images.map((i) => i.name),
      [],
      'c is not managed, young is young, b is used, a is current',
    );
    const everything = planPrune([stream(['a', 'b', 'c'])], images, used, options);
    assert.deepEqual(everything.images.map((i) => i.name).sort(), ['c', 'young']);
  });

  it('finds stored blobs no Image references, once they are older than keep-younger-than', () => {
    const images = new Map([
      ['index', image('index', { layers: [], children: ['child'] })],
      ['child', image('child', { config: 'config-child' })],
    ]);
    const at = (ago: number) => new Date(options.now - ago).toISOString();
    const stored: StoredBlob[] = ['index', 'child', 'layer-child', 'config-child', 'planned', 'killed-push', 'pruned-image-layer'].map((digest) => ({
      digest,
      size: 5,
      modifiedAt: at(2 * 3_600_000),
    }));
    stored.push({ digest: 'young', size: 5, modifiedAt: at(60_000) }, { digest: 'time-unknown', size: 5 });
    const orphans = planOrphanBlobs(stored, images, ['planned'], { keepYoungerThanMs: 3_600_000, now: options.now });
    assert.deepEqual(
      orphans.map((b) => b.digest),
      ['killed-push', 'pruned-image-layer'],
    );
    assert.deepEqual(
      planOrphanBlobs(stored, images, [], { keepYoungerThanMs: 0, now: options.now }).map((b) => b.digest),
      ['planned', 'killed-push', 'pruned-image-layer', 'young'],
    );
  });

  it('reads workload pull specs as OpenShift does', () => {
    assert.deepEqual(useOf('reg:5000/ns/app@sha256:x'), { kind: 'image', key: 'ns/app@sha256:x' });
    assert.deepEqual(useOf('reg/ns/app:1'), { kind: 'tag', key: 'ns/app:1' });
    assert.equal(useOf('mysql:5.7'), undefined, 'short names protect nothing');
  });

  it('removes the planned revisions from a stream read again, but leaves a tag that moved since the plan read it', () => {
    const read = stream(['b', 'a']);
    const images = new Map([
      ['a', image('a')],
      ['b', image('b')],
    ]);
    const [planned] = planPrune([read], images, none, options).streams;
    assert.deepEqual(planned.removed, [{ tag: 'latest', image: 'a' }]);
    const unchanged = withoutPrunedRevisions(structuredClone(read.status!.tags!), planned);
    assert.deepEqual(
      unchanged[0].items!.map((i) => i.image),
      ['b'],
    );
    // Pushed again: the tag's new revision is of the image the plan removes from the old ones.
    const moved = structuredClone(read.status!.tags!);
    moved[0].items!.unshift({ created: '2029-12-31T23:59:59Z', dockerImageReference: 'r/ns/app@a', image: 'a', generation: 1 });
    assert.deepEqual(withoutPrunedRevisions(moved, planned), moved);
  });
});
