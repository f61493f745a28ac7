import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabelSelector, labelKeyProblems, labelValueProblems } from '../../src/kube/labels.ts';
import { isAppError } from '../../src/errors.ts';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', 'example.com/team': 'a' };

  it('matches equality, inequality, set and existence requirements', () => {
    assert.ok(parseLabelSelector('app=web').matches(labels));
    assert.ok(parseLabelSelector('app==web,tier!=back').matches(labels));
    assert.ok(parseLabelSelector('tier in (front, middle)').matches(labels));
    assert.ok(!parseLabelSelector('tier notin (front)').matches(labels));
    assert.ok(parseLabelSelector('example.com/team').matches(labels));
    assert.ok(parseLabelSelector('!missing').matches(labels));
    assert.ok(!parseLabelSelector('app=web,missing').matches(labels));
    assert.ok(parseLabelSelector('').matches(undefined));
  });

  it('refuses selectors it cannot parse', () => {
    assert.throws(
      () => parseLabelSelector('a b'),
      (e) => isAppError(e, 'BadRequest'),
    );
    assert.throws(
      () => parseLabelSelector('Bad Key=1'),
      (e) => isAppError(e, 'BadRequest'),
    );
  });

  it('checks label keys and values as Kubernetes does', () => {
    assert.deepEqual(labelKeyProblems('example.com/name'), []);
    assert.ok(labelKeyProblems('-bad').length > 0);
    assert.ok(labelKeyProblems('UPPER.prefix/x').length > 0);
    assert.deepEqual(labelValueProblems(''), []);
    assert.ok(labelValueProblems('x'.repeat(64)).length > 0);
  });
});
