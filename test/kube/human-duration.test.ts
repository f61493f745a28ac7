import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, wordedAgo, wordedDuration } from '../../src/kube/human-duration.ts';

const second = 1000;
const hour = 3600 * second;

describe('human durations', () => {
  it('says ages as kubectl does, in short units', () => {
    assert.deepEqual([45 * second, 192 * second, 5 * hour].map(humanDuration), ['45s', '3m12s', '5h']);
  });

  it('says relative times in words as oc does, rounding hours to the nearest', () => {
    const said = [
      0,
      second,
      5 * second,
      90 * second,
      5 * 60 * second,
      1.4 * hour,
      1.6 * hour,
      47 * hour,
      3 * 24 * hour,
      20 * 24 * hour,
      90 * 24 * hour,
      800 * 24 * hour,
    ].map(wordedDuration);
    assert.deepEqual(said, [
      'Less than a second',
      '1 second',
      '5 seconds',
      'About a minute',
      '5 minutes',
      'About an hour',
      '2 hours',
      '47 hours',
      '3 days',
      '2 weeks',
      '3 months',
      '2 years',
    ]);
  });

  it('adds "ago", and says when there is no time to say', () => {
    assert.equal(wordedAgo('2024-05-01T11:59:55Z', new Date('2024-05-01T12:00:00Z')), '5 seconds ago');
    assert.equal(wordedAgo(undefined, new Date()), '<unknown>');
  });
});
