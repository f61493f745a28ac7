import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryBudgets } from '../../../src/importer/upstream/registry-budgets.ts';
import { Counter } from '../../../src/lib/metrics.ts';
import { isAppError } from '../../../src/errors.ts';

const answer = (status: number, headers: Record<string, string> = {}) => ({ status, headers: new Headers(headers) });

describe('registry budgets', () => {
  const setup = () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const requests = new Counter('requests', '');
    const budgets = new RegistryBudgets({ now: () => now, requests });
    return { budgets, requests, advance: (ms: number) => (now += ms), now: () => now };
  };

  it('knows nothing of a registry that never said, and promises it anything', () => {
    const { budgets } = setup();
    assert.deepEqual(budgets.state('quay.io'), {});
    assert.equal(budgets.reserve('quay.io', 1000), true);
    assert.equal(budgets.refusal('quay.io'), undefined);
  });

  it('keeps what the registry said is left, and when its window comes back', () => {
    const { budgets, now } = setup();
    budgets.observe('registry-1.docker.io', 'GET', answer(200, { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '3;w=21600' }));
    assert.deepEqual(budgets.state('registry-1.docker.io'), { limit: 100, available: 3, resetsAt: now() + 21600_000, blockedUntil: undefined });
    assert.deepEqual(budgets.snapshot(), [{ registry: 'registry-1.docker.io', limit: 100, remaining: 3 }]);
  });

  it('holds back what it promised until the import is over, and never promises more than is left', () => {
    const { budgets } = setup();
    budgets.observe('h', 'HEAD', answer(200, { 'ratelimit-limit': '10;w=60', 'ratelimit-remaining': '3;w=60' }));
    assert.equal(budgets.reserve('h', 2), true);
    assert.equal(budgets.state('h').available, 1);
    assert.equal(budgets.reserve('h', 2), false, 'one left, two asked');
    assert.equal(budgets.state('h').available, 1, 'a refused promise holds nothing back');
    budgets.release('h', 2);
    assert.equal(budgets.state('h').available, 3);
  });

  it('puts a window back in full once it has passed', () => {
    const { budgets, advance } = setup();
    budgets.observe('h', 'GET', answer(200, { 'ratelimit-limit': '10;w=60', 'ratelimit-remaining': '0;w=60' }));
    assert.ok(isAppError(budgets.spentRefusal('h'), 'Unavailable'));
    assert.match(budgets.spentRefusal('h')!.message, /^h: rate limit spent \(0 of 10 left\), resets in 60s$/);
    advance(60_000);
    assert.equal(budgets.state('h').available, 10);
    assert.equal(budgets.spentRefusal('h'), undefined);
  });

  it('refuses every request to a host that answered 429 with Retry-After until then, and counts it spent', () => {
    const { budgets, advance } = setup();
    budgets.observe('h', 'GET', answer(429, { 'retry-after': '240' }));
    const refused = budgets.refusal('h');
    assert.ok(refused && refused.ociCode === 'TOOMANYREQUESTS');
    assert.match(refused.message, /^h asked not to be called for 4m more \(Retry-After\)$/);
    assert.equal(budgets.reserve('h', 1), false);
    assert.equal(budgets.state('h').available, 0);
    advance(239_000);
    assert.ok(budgets.refusal('h'), 'one second before the end');
    advance(1000);
    assert.equal(budgets.refusal('h'), undefined);
    assert.equal(budgets.refusal('other'), undefined, 'another host is not held back');
  });

  it('makes a host that answers 503 with Retry-After wait too, without calling it spent', () => {
    const { budgets } = setup();
    budgets.observe('h', 'GET', answer(503, { 'retry-after': '30' }));
    assert.ok(budgets.refusal('h'));
    assert.equal(budgets.state('h').available, undefined);
  });

  it('counts requests by registry, method and status, and those without an answer', () => {
    const { budgets, requests } = setup();
    budgets.observe('h', 'HEAD', answer(200));
    budgets.observe('h', 'HEAD', answer(200));
    budgets.observe('h', 'GET', answer(429));
    budgets.unanswered('h', 'GET');
    assert.equal(requests.get({ registry: 'h', method: 'HEAD', code: '200' }), 2);
    assert.equal(requests.get({ registry: 'h', method: 'GET', code: '429' }), 1);
    assert.equal(requests.get({ registry: 'h', method: 'GET', code: 'none' }), 1);
  });
});
