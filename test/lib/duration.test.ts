import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from '../../src/lib/duration.ts';

describe('durations', () => {
  it('reads Go-style durations', () => {
    assert.equal(parseDuration('15m'), 900_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('1s'), 1000);
    assert.equal(parseDuration('250ms'), 250);
  });

  it('refuses anything else', () => {
    for (const text of ['', '15', 'm', '1d', '-1s', '1 s']) assert.equal(parseDuration(text), undefined, text);
  });
});
