import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readRateLimit, retryAfterMs } from '../../../src/importer/upstream/rate-limit-headers.ts';

describe('rate-limit headers', () => {
  it("reads Docker Hub's limit and remaining with their window", () => {
    const said = readRateLimit(new Headers({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600' }));
    assert.deepEqual(said, { limit: 100, remaining: 76, windowSeconds: 21600, resetSeconds: undefined });
  });

  it('reads a reset in seconds when a registry sends one, and plain numbers without a window', () => {
    const said = readRateLimit(new Headers({ 'ratelimit-limit': '5000', 'ratelimit-remaining': '0', 'ratelimit-reset': '90' }));
    assert.deepEqual(said, { limit: 5000, remaining: 0, windowSeconds: undefined, resetSeconds: 90 });
  });

  it('ignores numbers that are not plain non-negative integers, and answers without the headers', () => {
    assert.equal(readRateLimit(new Headers({ 'ratelimit-remaining': '-5' })), undefined);
    assert.equal(readRateLimit(new Headers({ 'ratelimit-remaining': '1e9;w=60' })), undefined);
    assert.equal(readRateLimit(new Headers({ 'ratelimit-remaining': 'abc' })), undefined);
    assert.equal(readRateLimit(new Headers({})), undefined);
    assert.equal(readRateLimit(new Headers({ 'ratelimit-remaining': '3;w=junk' }))?.windowSeconds, undefined);
  });

  it('reads Retry-After in seconds or as an HTTP date, bounded to a week', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfterMs('120', now), 120_000);
    assert.equal(retryAfterMs('Thu, 01 Jan 2026 00:05:00 GMT', now), 300_000);
    assert.equal(retryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now), 0, 'a date gone by asks for no wait');
    assert.equal(retryAfterMs('99999999', now), 7 * 24 * 3600 * 1000);
    assert.equal(retryAfterMs('soon', now), undefined);
    assert.equal(retryAfterMs(null, now), undefined);
  });
});
