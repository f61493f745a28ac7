import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addTagEvent, followTagReference } from '../../src/image/image-stream.ts';
import type { ImageStream, TagReference } from '../../src/kube/kinds/image.ts';

const streamOf = (tags: TagReference[]): ImageStream => ({ metadata: { name: 'ruby', namespace: 'demo' }, spec: { tags } });
const alias = (name: string, from: string, namespace?: string): TagReference => ({
  name,
  from: { kind: 'ImageStreamTag', name: from, ...(namespace ? { namespace } : {}) },
});
const external: TagReference = { name: '2.2', from: { kind: 'DockerImage', name: 'quay.io/org/ruby:2.2' } };

describe('following tag references', () => {
  it('follows aliases in the same stream, by tag or by stream:tag, to the tag with a source', () => {
    const stream = streamOf([external, alias('stable', 'ruby:2.2'), alias('latest', 'stable', 'demo')]);
    assert.deepEqual(followTagReference(stream, 'latest'), { outcome: 'found', tag: '2.2', spec: external, followed: true });
    assert.deepEqual(followTagReference(stream, '2.2'), { outcome: 'found', tag: '2.2', spec: external, followed: false });
  });

  it('says where a chain ends at a tag the stream does not have', () => {
    assert.deepEqual(followTagReference(streamOf([alias('stable', 'gone')]), 'stable'), { outcome: 'missing', tag: 'gone', followed: true });
    assert.deepEqual(followTagReference(streamOf([]), 'latest'), { outcome: 'missing', tag: 'latest', followed: false });
  });

  it('refuses a reference to another stream or namespace, a malformed one, and a loop', () => {
    assert.equal(followTagReference(streamOf([alias('x', 'python:3')]), 'x').outcome, 'other-stream');
    assert.equal(followTagReference(streamOf([alias('x', '2.2', 'elsewhere'), external]), 'x').outcome, 'other-stream');
    assert.equal(followTagReference(streamOf([alias('x', 'ruby:')]), 'x').outcome, 'invalid');
    assert.equal(followTagReference(streamOf([alias('a', 'b'), alias('b', 'ruby:a')]), 'a').outcome, 'circular');
  });
});

describe('recording a tag event', () => {
  it('drops an earlier failure even when the import found the image the tag already holds', () => {
    const event = {
      created: '2026-01-01T00:00:00Z',
      dockerImageReference: `quay.io/org/ruby@sha256:${'a'.repeat(64)}`,
      image: `sha256:${'a'.repeat(64)}`,
      generation: 2,
    };
    const stream: ImageStream = {
      ...streamOf([external]),
      status: {
        tags: [{ tag: '2.2', items: [event], conditions: [{ type: 'ImportSuccess', status: 'False', reason: 'RateLimited', generation: 2 }] }],
      },
    };
    assert.equal(addTagEvent(stream, '2.2', { ...event, created: '2026-01-02T00:00:00Z' }), true);
    assert.equal(stream.status!.tags![0].conditions, undefined);
    assert.equal(stream.status!.tags![0].items!.length, 1);
    assert.equal(addTagEvent(stream, '2.2', event), false, 'then there is nothing to write');
  });
});
