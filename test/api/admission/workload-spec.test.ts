import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { labelSelectorCauses, scheduleProblem, workloadSpecCauses } from '../../../src/api/admission/workload-spec.ts';

const fieldsOf = (causes: readonly { field: string }[]) => causes.map((c) => c.field);

describe('scheduleProblem', () => {
  it('takes the standard five fields, names, steps, ranges, lists and descriptors', () => {
    for (const good of ['*/5 * * * *', '0 0 1 JAN *', '0 9-17/2 * * MON-FRI', '15,45 0 ? * sun', '@daily', '@every 1h30m', ' 0 0 * * 0 '])
      assert.equal(scheduleProblem(good), undefined, good);
  });

  it('says why a schedule does not parse', () => {
    assert.equal(scheduleProblem('every day'), 'expected exactly 5 fields, found 2');
    assert.equal(scheduleProblem('61 * * * *'), '61 out of range [0, 59]');
    assert.equal(scheduleProblem('* * * 13 *'), '13 out of range [1, 12]');
    assert.equal(scheduleProblem('* * * * 7'), '7 out of range [0, 6]');
    assert.equal(scheduleProblem('? * * * *'), 'failed to parse "?"');
    assert.equal(scheduleProblem('*/x * * * *'), 'invalid step in "*/x"');
    assert.equal(scheduleProblem('1-2-3 * * * *'), 'too many hyphens: "1-2-3"');
    assert.equal(scheduleProblem('@sometimes'), 'unrecognized descriptor: @sometimes');
  });
});

describe('workloadSpecCauses', () => {
  it('refuses negative counts, as Kubernetes, naming each field', () => {
    const causes = workloadSpecCauses({ spec: { replicas: -1, minReadySeconds: -2, selector: { matchLabels: { a: 'b' } } } }, 'Deployment');
    assert.deepEqual(fieldsOf(causes), ['spec.replicas', 'spec.minReadySeconds']);
    assert.equal(causes[0].message, '-1: must be greater than or equal to 0');
    assert.deepEqual(fieldsOf(workloadSpecCauses({ spec: { completions: -1, parallelism: 0 } }, 'Job')), ['spec.completions']);
  });

  it('refuses a strategy Kubernetes does not have and an empty selector', () => {
    assert.deepEqual(fieldsOf(workloadSpecCauses({ spec: { selector: {}, strategy: { type: 'Sideways' } } }, 'Deployment')), [
      'spec.strategy.type',
      'spec.selector',
    ]);
    assert.deepEqual(fieldsOf(workloadSpecCauses({ spec: { selector: { matchLabels: { a: 'b' } }, updateStrategy: { type: 'OnDelete' } } }, 'DaemonSet')), []);
  });

  it("checks a CronJob's schedule and concurrency policy", () => {
    assert.deepEqual(fieldsOf(workloadSpecCauses({ spec: {} }, 'CronJob')), ['spec.schedule']);
    assert.deepEqual(fieldsOf(workloadSpecCauses({ spec: { schedule: '* * *', concurrencyPolicy: 'Never' } }, 'CronJob')), [
      'spec.schedule',
      'spec.concurrencyPolicy',
    ]);
    assert.deepEqual(fieldsOf(workloadSpecCauses({ spec: { schedule: '@hourly', concurrencyPolicy: 'Forbid' } }, 'CronJob')), []);
  });
});

describe('labelSelectorCauses', () => {
  it('holds operators to their values, as Kubernetes does', () => {
    const causes = labelSelectorCauses(
      {
        matchExpressions: [
          { key: 'a', operator: 'In', values: ['x'] },
          { key: 'b', operator: 'In' },
          { key: 'c', operator: 'Exists', values: ['x'] },
          { key: 'd', operator: 'Near' },
          { operator: 'Exists' },
        ],
      },
      'spec.selector',
    );
    assert.deepEqual(fieldsOf(causes), [
      'spec.selector.matchExpressions[1].values',
      'spec.selector.matchExpressions[2].values',
      'spec.selector.matchExpressions[3].operator',
      'spec.selector.matchExpressions[4].key',
    ]);
  });
});
