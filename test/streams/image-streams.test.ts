import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ImageStreams } from '../../src/streams/image-streams.ts';
import type { StreamStore } from '../../src/streams/stream-store.ts';
import type { ImageStream } from '../../src/image/image-stream.ts';
import { fakeClock } from '../support/fake-clock.ts';

/** One stream held in memory, as the API engine would hold it: status writes only through updateStreamStatus. */
function holding(stream: ImageStream): { store: StreamStore; current: () => ImageStream; writes: () => number } {
  let held = structuredClone(stream);
  let writes = 0;
  const store: Partial<StreamStore> = {
    getStream: async () => structuredClone(held),
    updateStreamStatus: async (_namespace, _name, next) => {
      writes += 1;
      held = { ...held, status: structuredClone(next.status) };
      return structuredClone(held);
    },
  };
  return { store: store as StreamStore, current: () => held, writes: () => writes };
}

const item = {
  created: '2026-01-01T00:00:00Z',
  dockerImageReference: `docker.io/library/app@sha256:${'a'.repeat(64)}`,
  image: `sha256:${'a'.repeat(64)}`,
  generation: 3,
} as const;
const stream: ImageStream = {
  metadata: { name: 'app', namespace: 'demo' },
  spec: { tags: [{ name: 'v1', from: { kind: 'DockerImage', name: 'docker.io/library/app:v1' }, generation: 3 }] },
  status: { tags: [{ tag: 'v1', items: [item] }] },
};

describe('deferred and cleared imports on a stream', () => {
  it('marks a deferred tag RateLimited at its generation, keeps its image, and writes nothing when told the same again', async () => {
    const clock = fakeClock(Date.parse('2026-01-01T12:00:00Z'));
    const held = holding(stream);
    const streams = new ImageStreams({ store: held.store, clock });
    const deferral = { tag: 'v1', message: 'deferred: rate limit of registry-1.docker.io, resets in 4m', at: new Date('2026-01-01T12:04:00Z') };
    assert.equal(await streams.deferImports('demo', 'app', [deferral, { ...deferral, tag: 'gone' }]), true);
    const [tag] = held.current().status!.tags!;
    assert.deepEqual(tag.items, [item]);
    assert.deepEqual(tag.conditions, [
      {
        type: 'ImportSuccess',
        status: 'False',
        reason: 'RateLimited',
        message: 'deferred: rate limit of registry-1.docker.io, resets in 4m (next attempt at 2026-01-01T12:04:00Z)',
        generation: 3,
        lastTransitionTime: '2026-01-01T12:00:00Z',
      },
    ]);
    assert.equal(held.current().status!.tags!.length, 1, 'no status for a tag the spec does not have');
    clock.advance(60_000);
    assert.equal(await streams.deferImports('demo', 'app', [deferral]), false);
    assert.equal(held.writes(), 1);
  });

  it('drops failed and deferred conditions of the tags it is given, and only theirs', async () => {
    const failed = { type: 'ImportSuccess', status: 'False', reason: 'NotFound', message: 'not found', generation: 3 } as const;
    const held = holding({
      ...stream,
      status: {
        tags: [
          { tag: 'v1', items: [item], conditions: [failed] },
          { tag: 'v2', items: [item], conditions: [failed] },
        ],
      },
    });
    const streams = new ImageStreams({ store: held.store, clock: fakeClock() });
    assert.equal(await streams.clearImportFailures('demo', 'app', ['v1']), true);
    assert.equal(held.current().status!.tags![0].conditions, undefined);
    assert.deepEqual(held.current().status!.tags![1].conditions, [failed]);
    assert.equal(await streams.clearImportFailures('demo', 'app', ['v1']), false, 'nothing left to clear: no write');
  });

  it('notes each failed tag its own next attempt', async () => {
    const failed = { type: 'ImportSuccess', status: 'False', reason: 'Timeout', message: 'too slow (next attempt in 10s)', generation: 3 } as const;
    const held = holding({ ...stream, status: { tags: [{ tag: 'v1', items: [item], conditions: [failed] }] } });
    const streams = new ImageStreams({ store: held.store, clock: fakeClock() });
    await streams.noteRetry('demo', 'app', [{ tag: 'v1', at: new Date('2026-01-01T00:00:20Z') }]);
    assert.equal(held.current().status!.tags![0].conditions![0].message, 'too slow (next attempt at 2026-01-01T00:00:20Z)');
  });
});
