// bin/ims in a checkout that `npm ci` has not installed yet: it says what to do, whatever node is on
// PATH, instead of the stack trace an older Node prints for TypeScript sources.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../support/temp-dir.ts';
import { findExecutable } from '../support/peers.ts';
import { imsBin } from '../support/serve-process.ts';

/** A checkout of bin/ims alone (no node_modules), and a PATH of only the tools the launcher uses. */
function bareCheckout(): { ims: string; path: string } {
  const dir = makeTempDir('ims-launcher');
  mkdirSync(join(dir, 'checkout', 'bin'), { recursive: true });
  const ims = join(dir, 'checkout', 'bin', 'ims');
  copyFileSync(imsBin, ims);
  chmodSync(ims, 0o755);
  const path = join(dir, 'path');
  mkdirSync(path);
  for (const tool of ['dirname', 'readlink']) symlinkSync(findExecutable(tool)!, join(path, tool));
  return { ims, path };
}

const run = (ims: string, path: string) => spawnSync('/bin/sh', [ims, 'version'], { env: { PATH: path }, encoding: 'utf8' });

describe('bin/ims before npm ci', () => {
  it('says to run npm ci when no node is on PATH', () => {
    const { ims, path } = bareCheckout();
    const result = run(ims, path);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: run npm ci first in \S+checkout \(the pinned Node 24 is missing from node_modules\)\n$/);
  });

  it('says so too under a Node older than 24, without starting it on the sources', () => {
    const { ims, path } = bareCheckout();
    // Node 20 as the launcher sees it: its version, and the failure it gives on .ts sources.
    writeFileSync(
      join(path, 'node'),
      '#!/bin/sh\n[ "$1" = --version ] && echo v20.19.2 && exit 0\necho "TypeError [ERR_UNKNOWN_FILE_EXTENSION]: Unknown file extension \\".ts\\"" >&2\nexit 1\n',
    );
    chmodSync(join(path, 'node'), 0o755);
    const result = run(ims, path);
    assert.equal(result.status, 1);
    assert.doesNotMatch(result.stderr, /ERR_UNKNOWN_FILE_EXTENSION/);
    assert.match(result.stderr, /^error: run npm ci first in \S+ \(the pinned Node 24 is missing from node_modules\)\n$/);
  });
});
