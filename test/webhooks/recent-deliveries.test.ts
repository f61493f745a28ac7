import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecentDeliveries } from '../../src/webhooks/recent-deliveries.ts';

describe('RecentDeliveries', () => {
  it('sees each delivery id of a receiver once', () => {
    const recent = new RecentDeliveries();
    assert.equal(recent.firstTime('p/hook', 'id-1'), true);
    assert.equal(recent.firstTime('p/hook', 'id-1'), false);
    assert.equal(recent.firstTime('p/other', 'id-1'), true, 'receivers have ids of their own');
  });

  it('forgets the oldest ids beyond its capacity', () => {
    const recent = new RecentDeliveries(2);
    recent.firstTime('r', 'a');
    recent.firstTime('r', 'b');
    recent.firstTime('r', 'c');
    assert.equal(recent.firstTime('r', 'c'), false);
    assert.equal(recent.firstTime('r', 'a'), true);
  });
});
