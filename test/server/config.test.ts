import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseServeFlags, serveHelp } from '../../src/server/config.ts';

describe('ims serve flags', () => {
  it('ends idle uploads after 24h unless --upload-expiry says otherwise, and refuses less than a second', () => {
    assert.equal(parseServeFlags([]).uploadExpiryMs, 24 * 3_600_000);
    assert.equal(parseServeFlags(['--upload-expiry', '90m']).uploadExpiryMs, 90 * 60_000);
    for (const value of ['0s', '500ms', 'soon']) {
      assert.throws(() => parseServeFlags([`--upload-expiry=${value}`]), new RegExp(`--upload-expiry must be a duration of at least 1s \\(like 24h or 90m\\), not "${value}"`));
    }
    assert.match(serveHelp, /--upload-expiry DURATION +delete an unfinished blob upload after this long without a byte \(default 24h\)/);
  });
});
