// One server per data dir (DESIGN "Server"): two servers on one SQLite store and blob tree would
// both run the controllers, and each would miss the other's writes in its watches and caches. The
// lock is SQLite's own file lock on <data-dir>/serve.lock, held in exclusive locking mode for the
// life of the process: an OS lock (fcntl), so the kernel drops it when the process dies, by SIGKILL
// too, and nothing stale is ever left to clean up or mistaken for a live PID.
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { AppError } from '../errors.ts';

export interface DataDirLock {
  /** Records where the holder serves, for the message another server prints. */
  noteServing(urls: readonly string[]): void;
  release(): void;
}

/** SQLITE_BUSY: another connection, in another process, holds the lock. */
const sqliteBusy = 5;

interface Holder {
  readonly pid: number;
  readonly urls?: readonly string[];
}

/** Takes the data dir for this process, or throws naming the process that has it. */
export function lockDataDir(dataDir: string): DataDirLock {
  const lockFile = join(dataDir, 'serve.lock');
  const holderFile = join(dataDir, 'serve.pid');
  closeSync(openSync(lockFile, 'a', 0o600));
  // timeout 0: a held lock answers SQLITE_BUSY at once instead of waiting for it.
  const db = new DatabaseSync(lockFile, { timeout: 0 });
  try {
    db.exec('PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY; BEGIN EXCLUSIVE; COMMIT;');
  } catch (error) {
    db.close();
    if ((error as { errcode?: number }).errcode !== sqliteBusy) throw error;
    throw new AppError(
      'Conflict',
      `the data dir ${dataDir} is in use by another ims serve (${describeHolder(holderFile)}): stop it first, or give this server its own --data-dir. Replicas that share metadata use --store etcd`,
    );
  }
  const writeHolder = (holder: Holder) => {
    const temp = `${holderFile}.${process.pid}`;
    writeFileSync(temp, JSON.stringify(holder) + '\n', { mode: 0o600 });
    renameSync(temp, holderFile);
  };
  writeHolder({ pid: process.pid });
  return {
    noteServing: (urls) => writeHolder({ pid: process.pid, urls }),
    release() {
      rmSync(holderFile, { force: true });
      if (db.isOpen) db.close();
    },
  };
}

function describeHolder(holderFile: string): string {
  try {
    const holder = JSON.parse(readFileSync(holderFile, 'utf8')) as Holder;
    if (!Number.isInteger(holder.pid)) throw new Error('no pid');
    return `pid ${holder.pid}${holder.urls?.length ? `, serving ${holder.urls.join(' and ')}` : ''}`;
  } catch {
    // It took the lock and has not written its pid yet, or it is not an ims serve at all.
    return `its pid is not recorded in ${holderFile}`;
  }
}
