import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextAttemptOf, withNextAttempt, withoutNextAttempt } from '../../src/image/next-attempt.ts';

describe('the next-attempt note of a condition', () => {
  it('adds the time at the end, replacing an earlier note rather than piling up', () => {
    const once = withNextAttempt('not found', new Date('2026-01-01T00:00:10.600Z'));
    assert.equal(once, 'not found (next attempt at 2026-01-01T00:00:10Z)');
    assert.equal(withNextAttempt(once, new Date('2026-01-01T00:01:00Z')), 'not found (next attempt at 2026-01-01T00:01:00Z)');
    assert.equal(withNextAttempt('not found (next attempt in 40s)', new Date('2026-01-01T00:01:00Z')), 'not found (next attempt at 2026-01-01T00:01:00Z)');
  });

  it('reads the time back, and leaves the message without it', () => {
    assert.equal(nextAttemptOf('x (next attempt at 2026-01-01T00:01:00Z)')?.toISOString(), '2026-01-01T00:01:00.000Z');
    assert.equal(nextAttemptOf('x (next attempt in 40s)'), undefined, 'a relative note says nothing about now');
    assert.equal(nextAttemptOf('x'), undefined);
    assert.equal(withoutNextAttempt('x (next attempt at 2026-01-01T00:01:00Z)'), 'x');
    assert.equal(withoutNextAttempt('(next attempt at soon) x'), '(next attempt at soon) x', 'only a note at the end is one');
  });
});
