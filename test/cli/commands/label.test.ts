import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { changesFor, splitChanges } from '../../../src/cli/commands/label.ts';

describe('label and annotate', () => {
  it('tells changes from the objects they apply to', () => {
    const { changes, objects } = splitChanges(['is/ruby', 'team=web', 'tier-', 'deploy', 'web', 'note='], 'labels');
    assert.deepEqual(objects, ['is/ruby', 'deploy', 'web']);
    assert.deepEqual(
      [...changes.set],
      [
        ['team', 'web'],
        ['note', ''],
      ],
    );
    assert.deepEqual(changes.remove, ['tier']);
  });

  it('refuses a key without a name, and one both set and removed', () => {
    assert.throws(() => splitChanges(['=x'], 'labels'), /invalid label spec: =x/);
    assert.throws(() => splitChanges(['a=1', 'a-'], 'annotations'), /can not both modify and remove an annotation/);
  });

  it('changes a key that has another value only with --overwrite, and skips what is already so', () => {
    const changes = {
      set: new Map([
        ['team', 'api'],
        ['same', 'x'],
      ]),
      remove: ['gone', 'absent'],
    };
    const current = { team: 'web', same: 'x', gone: 'y' };
    assert.throws(() => changesFor(current, changes, false, 'labels'), /'team' already has a value \(web\), and --overwrite is false/);
    assert.deepEqual(changesFor(current, changes, true, 'labels'), { team: 'api', gone: null });
  });

  it('takes keys named like Object.prototype members as plain keys', () => {
    assert.deepEqual(changesFor({}, { set: new Map([['constructor', 'x']]), remove: ['toString'] }, false, 'labels'), { constructor: 'x' });
  });
});
