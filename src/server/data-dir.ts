// The data dir holds the store (with its secrets), the blobs and the admin token: a new one is
// created owner-only whatever the umask; an existing one is left as its owner set it, with a warning
// at start when others may read it. A path that cannot be a data dir ends the start at once with the
// path and the reason, never a raw errno.
import { accessSync, chmodSync, constants, mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../lib/logger.ts';
import { AppError } from '../errors.ts';

export function prepareDataDir(dataDir: string, logger: Pick<Logger, 'warn'>): void {
  const existing = statOf(dataDir);
  if (existing && !existing.isDirectory())
    throw new AppError('BadRequest', `the data dir ${dataDir} is a file, not a directory; give --data-dir a directory (it is created if missing)`);
  if (!existing) {
    createDirectory(dataDir);
    return;
  }
  try {
    accessSync(dataDir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new AppError(
      'BadRequest',
      `the data dir ${dataDir} cannot be used by this user: ${reasonOf(error)}; fix its owner or mode, or give --data-dir another path`,
    );
  }
  const mode = existing.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    logger.warn('the data dir is open to other users; it holds secrets and tokens, so make it owner-only (chmod 700)', {
      dataDir,
      mode: `0${mode.toString(8)}`,
    });
  }
}

/**
 * Creates the missing directories one level at a time, from the nearest existing ancestor down.
 * Not `mkdir -p` (mkdirSync's `recursive`): on a path it cannot create, such as one under /proc, it
 * retries forever.
 */
function createDirectory(dataDir: string): void {
  const missing: string[] = [];
  let path = dataDir;
  for (let stat = statOf(path); !stat; stat = statOf(path)) {
    missing.unshift(path);
    const parent = dirname(path);
    if (parent === path) break;
    path = parent;
  }
  const cannot = (why: string) =>
    new AppError('BadRequest', `cannot create the data dir ${dataDir}: ${why}; create it yourself or give --data-dir another path`);
  const ancestor = statOf(path);
  if (ancestor && !ancestor.isDirectory()) throw cannot(`${path} is a file, not a directory`);
  for (const dir of missing) {
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (error) {
      throw cannot(`mkdir ${dir}: ${reasonOf(error)}`);
    }
  }
  // A create mode is narrowed by the umask but never widened, and chmod ignores it: exactly 0700.
  chmodSync(dataDir, 0o700);
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    // A file where a directory should be (ENOTDIR) means the path does not exist as such.
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new AppError('BadRequest', `the data dir ${path} cannot be read: ${reasonOf(error)}; give --data-dir another path`);
  }
}

/** "no such file or directory" out of "ENOENT: no such file or directory, mkdir '/x'". */
function reasonOf(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  return /^[A-Z]+: ([^,]+)/.exec(message)?.[1] ?? message;
}
