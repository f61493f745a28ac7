import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeImageStream } from '../../../src/cli/commands/describe-image.ts';
import type { ImageStream } from '../../../src/kube/kinds/image.ts';

const now = new Date('2026-01-01T12:00:00Z');
const item = {
  created: '2026-01-01T11:00:00Z',
  dockerImageReference: `docker.io/library/app@sha256:${'a'.repeat(64)}`,
  image: `sha256:${'a'.repeat(64)}`,
  generation: 1,
};
const stream = (conditions: object[]): ImageStream =>
  ({
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'app', namespace: 'demo', creationTimestamp: '2026-01-01T10:00:00Z' },
    spec: { tags: [{ name: 'v1', from: { kind: 'DockerImage', name: 'docker.io/library/app:v1' }, generation: 1, importPolicy: { scheduled: true } }] },
    status: { dockerImageRepository: '127.0.0.1:8080/demo/app', tags: [{ tag: 'v1', items: [item], conditions }] },
  }) as ImageStream;

describe('describe is: when a tag is tried next', () => {
  it('shows a deferred tag as deferred, and when the rate limit lets it be tried, counted from now', () => {
    const text = describeImageStream(
      stream([
        {
          type: 'ImportSuccess',
          status: 'False',
          reason: 'RateLimited',
          message: 'deferred: rate limit of registry-1.docker.io, resets in 5h (next attempt at 2026-01-01T12:04:00Z)',
          generation: 1,
          lastTransitionTime: '2026-01-01T11:59:00Z',
        },
      ]),
      now,
    );
    assert.match(
      text,
      /^ {2}! deferred: rate limit of registry-1\.docker\.io, resets in 5h\n {6}About a minute ago\n {6}Next attempt: in 4m \(when the rate limit allows\)$/m,
    );
    assert.doesNotMatch(text, /Import failed|next attempt at/);
  });

  it('shows a failed tag as oc does, then its next attempt; one whose time has come is due now', () => {
    const failed = (at: string) =>
      describeImageStream(
        stream([
          {
            type: 'ImportSuccess',
            status: 'False',
            reason: 'NotFound',
            message: `dockerimage.image.openshift.io "docker.io/library/app:v1" not found (next attempt at ${at})`,
            generation: 1,
            lastTransitionTime: '2026-01-01T11:59:50Z',
          },
        ]),
        now,
      );
    assert.match(
      failed('2026-01-01T12:00:40Z'),
      /^ {2}! error: Import failed \(NotFound\): dockerimage\.image\.openshift\.io "docker\.io\/library\/app:v1" not found\n {6}10 seconds ago\n {6}Next attempt: in 40s \(retrying with backoff\)$/m,
    );
    assert.match(failed('2026-01-01T11:59:59Z'), /^ {6}Next attempt: due now \(retrying with backoff\)$/m);
  });

  it('prints no next attempt for a condition without the note, as an older server wrote it', () => {
    const text = describeImageStream(stream([{ type: 'ImportSuccess', status: 'False', reason: 'Timeout', message: 'too slow', generation: 1 }]), now);
    assert.match(text, /! error: Import failed \(Timeout\): too slow\n/);
    assert.doesNotMatch(text, /Next attempt/);
  });
});
