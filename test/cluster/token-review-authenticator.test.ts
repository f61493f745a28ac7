import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenReviewAuthenticator } from '../../src/cluster/token-review-authenticator.ts';
import type { TokenReviewResult } from '../../src/cluster/cluster-reviews.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { silentLogger, type Logger } from '../../src/lib/logger.ts';

const sa = { name: 'system:serviceaccount:shop:default', groups: ['system:serviceaccounts', 'system:authenticated'], vouchedBy: 'cluster' as const };

function setup(answer: (token: string) => Promise<TokenReviewResult>, logger: Logger = silentLogger) {
  const clock = fakeClock();
  const asked: string[] = [];
  const counted: string[] = [];
  const authenticator = new TokenReviewAuthenticator({
    reviewsSent: { inc: (labels = {}) => void counted.push(`${labels.review} ${labels.result}`) },
    reviews: { reviewToken: (token) => (asked.push(token), answer(token)) },
    clock,
    logger,
    authenticatedTtlMs: 10_000,
    unauthenticatedTtlMs: 2_000,
  });
  return { clock, asked, counted, authenticator };
}

describe('TokenReviewAuthenticator', () => {
  it('takes the user the cluster names for a bearer token, and for a token sent as a Basic password', async () => {
    const { authenticator } = setup(async (token) => (token === 'cluster-token' ? { authenticated: true, user: sa } : { authenticated: false }));
    assert.deepEqual(await authenticator.authenticate('Bearer cluster-token'), { kind: 'user', user: sa, token: 'cluster-token' });
    const basic = `Basic ${Buffer.from('anyone:cluster-token').toString('base64')}`;
    assert.equal((await authenticator.authenticate(basic)).kind, 'user');
    assert.equal((await authenticator.authenticate('Bearer other')).kind, 'invalid');
    assert.equal((await authenticator.authenticate(null)).kind, 'anonymous');
  });

  it('asks the cluster once per token while its answer is kept, each answer for its own TTL', async () => {
    const { authenticator, asked, counted, clock } = setup(async (token) => (token === 'good' ? { authenticated: true, user: sa } : { authenticated: false }));
    await authenticator.authenticate('Bearer good');
    await authenticator.authenticate('Bearer good');
    await authenticator.authenticate('Bearer bad');
    await authenticator.authenticate('Bearer bad');
    assert.deepEqual(asked, ['good', 'bad']);
    clock.advance(2_000);
    await authenticator.authenticate('Bearer bad');
    await authenticator.authenticate('Bearer good');
    assert.deepEqual(asked, ['good', 'bad', 'bad']);
    clock.advance(8_000);
    await authenticator.authenticate('Bearer good');
    assert.deepEqual(asked, ['good', 'bad', 'bad', 'good']);
    assert.deepEqual(counted, ['TokenReview authenticated', 'TokenReview unauthenticated', 'TokenReview unauthenticated', 'TokenReview authenticated']);
  });

  it('fails closed when the cluster cannot answer, asks again next time, and logs no token', async () => {
    const lines: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (msg, fields) => void lines.push(JSON.stringify({ msg, ...fields })) };
    let up = false;
    const { authenticator, asked } = setup(async () => {
      if (!up) throw new Error('the cluster at https://10.0.0.1 could not answer a TokenReview (unreachable)');
      return { authenticated: true, user: sa };
    }, logger);
    assert.deepEqual(await authenticator.authenticate('Bearer secret-token'), { kind: 'invalid', reason: 'the cluster could not review the token' });
    up = true;
    assert.equal((await authenticator.authenticate('Bearer secret-token')).kind, 'user');
    assert.equal(asked.length, 2);
    assert.equal(lines.length, 1);
    assert.ok(!lines[0].includes('secret-token'));
  });
});
