import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AccessReviewAuthorizer } from '../../src/cluster/access-review-authorizer.ts';
import type { RequestAttributes } from '../../src/auth/rbac/rbac-types.ts';
import type { UserInfo } from '../../src/auth/user.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { silentLogger } from '../../src/lib/logger.ts';

const pull = (namespace: string): RequestAttributes => ({
  kind: 'resource',
  verb: 'get',
  apiGroup: 'image.openshift.io',
  resource: 'imagestreams',
  subresource: 'layers',
  name: 'app',
  namespace,
});
const fromCluster: UserInfo = { name: 'system:serviceaccount:shop:default', groups: ['system:authenticated'], vouchedBy: 'cluster' };

function setup(allowed: (user: UserInfo, request: RequestAttributes) => Promise<boolean>) {
  const clock = fakeClock();
  const asked: string[] = [];
  const authorizer = new AccessReviewAuthorizer({
    reviews: { reviewAccess: (user, request) => (asked.push(`${user.name} ${request.kind === 'resource' ? request.namespace : ''}`), allowed(user, request)) },
    clock,
    logger: silentLogger,
    allowedTtlMs: 5_000,
    deniedTtlMs: 1_000,
  });
  return { clock, asked, authorizer };
}

describe('AccessReviewAuthorizer', () => {
  it("answers with the cluster's SubjectAccessReview for users the cluster vouched for", async () => {
    const { authorizer } = setup(async (_user, request) => request.kind === 'resource' && request.namespace === 'shop');
    assert.equal(await authorizer.authorize(fromCluster, pull('shop')), true);
    assert.equal(await authorizer.authorize(fromCluster, pull('other')), false);
  });

  it("never asks about this server's own users, whose names the cluster may also know", async () => {
    const { authorizer, asked } = setup(async () => true);
    assert.equal(await authorizer.authorize({ name: 'system:serviceaccount:shop:default', groups: ['system:authenticated'] }, pull('shop')), false);
    assert.deepEqual(asked, []);
  });

  it('keeps allowed and denied answers for their own TTLs', async () => {
    const { authorizer, asked, clock } = setup(async (_user, request) => request.kind === 'resource' && request.namespace === 'shop');
    await authorizer.authorize(fromCluster, pull('shop'));
    await authorizer.authorize(fromCluster, pull('other'));
    await authorizer.authorize(fromCluster, pull('shop'));
    await authorizer.authorize(fromCluster, pull('other'));
    assert.equal(asked.length, 2);
    clock.advance(1_000);
    await authorizer.authorize(fromCluster, pull('shop'));
    await authorizer.authorize(fromCluster, pull('other'));
    assert.equal(asked.length, 3);
    const otherGroups = { ...fromCluster, groups: ['system:authenticated', 'admins'] };
    await authorizer.authorize(otherGroups, pull('shop'));
    assert.equal(asked.length, 4, 'another set of groups is another question');
  });

  it('denies when the cluster cannot answer, and asks again next time', async () => {
    let up = false;
    const { authorizer, asked } = setup(async () => {
      if (!up) throw new Error('unreachable');
      return true;
    });
    assert.equal(await authorizer.authorize(fromCluster, pull('shop')), false);
    up = true;
    assert.equal(await authorizer.authorize(fromCluster, pull('shop')), true);
    assert.equal(asked.length, 2);
  });
});
