import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prioritizedTags } from '../../src/image/tag-priority.ts';

describe('prioritizedTags', () => {
  it('puts latest first, then minor versions, then full versions, each newest first, then the rest', () => {
    assert.deepEqual(prioritizedTags(['other', 'latest', 'v5.5', '5.2.3', '5.5', 'v5.3.6-bother', '5.3.6-abba', '5.6']), [
      'latest',
      '5.6',
      '5.5',
      'v5.5',
      'v5.3.6-bother',
      '5.3.6-abba',
      '5.2.3',
      'other',
    ]);
  });

  it('orders suffixed minor versions as pre-releases of their minor', () => {
    assert.deepEqual(prioritizedTags(['1.1-beta1', '1.2-rc1', '1.1-rc1', '1.1-beta2', '1.2-beta1', '1.2-alpha1', '1.2-beta4', 'latest']), [
      'latest',
      '1.2-rc1',
      '1.2-beta4',
      '1.2-beta1',
      '1.2-alpha1',
      '1.1-rc1',
      '1.1-beta2',
      '1.1-beta1',
    ]);
  });

  it('gives the same order whatever order the registry listed the tags in', () => {
    assert.deepEqual(prioritizedTags(['7.1', 'v7.1', '7.1.0']), ['7.1', 'v7.1', '7.1.0']);
    assert.deepEqual(prioritizedTags(['7.1.0', 'v7.1', '7.1']), ['7.1', 'v7.1', '7.1.0']);
  });

  it('compares versions as numbers, not strings', () => {
    const tags = Array.from({ length: 12 }, (_, i) => `v1.${i}.0`);
    assert.deepEqual(prioritizedTags(tags).slice(0, 3), ['v1.11.0', 'v1.10.0', 'v1.9.0']);
    assert.deepEqual(prioritizedTags(['2.10', '2.9', '2.1']), ['2.10', '2.9', '2.1']);
  });

  it('ranks a release above its pre-releases, and pre-releases by semver precedence', () => {
    assert.deepEqual(prioritizedTags(['1.0.0-alpha', '1.0.0', '1.0.0-beta', '1.0.0-alpha.10', '1.0.0-alpha.2', '1.0.0-rc.1']), [
      '1.0.0',
      '1.0.0-rc.1',
      '1.0.0-beta',
      '1.0.0-alpha.10',
      '1.0.0-alpha.2',
      '1.0.0-alpha',
    ]);
  });

  it('treats what semver refuses as an ordinary tag, as OpenShift does', () => {
    // A major alone, a leading zero, four parts or an underscore suffix is no version: byte order among the rest.
    assert.deepEqual(prioritizedTags(['v10', 'v2', '01.2', '1.2.3.4', '1.2-rc_1', '1.0']), ['1.0', '01.2', '1.2-rc_1', '1.2.3.4', 'v10', 'v2']);
  });

  it('counts an empty tag as latest and drops duplicates', () => {
    assert.deepEqual(prioritizedTags(['b', '', 'a', 'b', 'latest']), ['latest', 'a', 'b']);
  });

  it('handles version numbers too big for a double', () => {
    assert.deepEqual(prioritizedTags(['1.9007199254740993.0', '1.9007199254740992.0']), ['1.9007199254740993.0', '1.9007199254740992.0']);
  });
});
