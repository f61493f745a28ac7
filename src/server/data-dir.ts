// The data dir holds the store (with its secrets), the blobs and the admin token: a new one is
// created owner-only whatever the umask; an existing one is left as its owner set it, with a warning
// at start when others may read it.
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import type { Logger } from '../lib/logger.ts';

export function prepareDataDir(dataDir: string, logger: Pick<Logger, 'warn'>): void {
  const existing = statSync(dataDir, { throwIfNoEntry: false });
  if (!existing) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // A create mode is narrowed by the umask but never widened, and chmod ignores it: exactly 0700.
    chmodSync(dataDir, 0o700);
    return;
  }
  const mode = existing.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    logger.warn('the data dir is open to other users; it holds secrets and tokens, so make it owner-only (chmod 700)', { dataDir, mode: `0${mode.toString(8)}` });
  }
}
