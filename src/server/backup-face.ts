// GET /admin/backup, for `ims adm backup`: a consistent snapshot of the store, taken while the
// server runs, for callers allowed to `get` that path (cluster-admin only: it holds every secret).
// Never the blobs: they are immutable files named by digest, copied with a file tool after the
// snapshot (README, Backups); the answer names their directory for that.
import { createReadStream, fstatSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Authenticator } from '../auth/authenticator.ts';
import type { Authorizer } from '../auth/rbac/authorizer.ts';
import type { Logger } from '../lib/logger.ts';
import type { Counter } from '../lib/metrics.ts';
import type { Face } from './face-router.ts';
import type { StoreBackup } from './backends.ts';
import { AppError } from '../errors.ts';
import { statusResponse } from '../api/http-responses.ts';
import { markStreaming } from '../lib/streaming-response.ts';
import { lazyWebStream } from '../lib/node-streams.ts';

export const backupPath = '/admin/backup';

export interface BackupFaceDeps {
  readonly authenticator: Pick<Authenticator, 'authenticate'>;
  readonly authorizer: Authorizer;
  readonly backup: StoreBackup;
  /** Where snapshots are written before they are sent: owner-only, in the data dir, emptied at start. */
  readonly workDir: string;
  /** The stored blobs' directory on this machine, when they are files here. */
  readonly blobsDir?: string;
  readonly logger: Logger;
  readonly backups: Counter;
}

export function backupFace(deps: BackupFaceDeps): Face {
  // What a server killed in the middle of a snapshot left behind.
  rmSync(deps.workDir, { recursive: true, force: true });
  return {
    name: 'backup',
    serves: (pathname) => pathname === backupPath,
    async handle(request, requestId) {
      const authentication = await deps.authenticator.authenticate(request.headers.get('authorization'));
      if (authentication.kind !== 'user') return statusResponse(new AppError('Unauthorized', 'Unauthorized'));
      const user = authentication.user.name;
      if (!(await deps.authorizer.authorize(authentication.user, { kind: 'nonResource', verb: 'get', path: backupPath }))) {
        return statusResponse(new AppError('Forbidden', `forbidden: User "${user}" cannot get path "${backupPath}": backups are for cluster administrators`));
      }
      if (request.method !== 'GET') return statusResponse(new AppError('MethodNotAllowed', `${request.method} is not supported here; a backup is a GET`));
      if ('refusal' in deps.backup) return statusResponse(new AppError('BadRequest', deps.backup.refusal));
      mkdirSync(deps.workDir, { recursive: true, mode: 0o700 });
      const path = join(deps.workDir, `${randomUUID()}.db`);
      try {
        const { resourceVersion } = await deps.backup.snapshot(path);
        const fd = openSync(path, 'r');
        const size = fstatSync(fd).size;
        deps.backups.inc({ result: 'taken' });
        deps.logger.info('backup taken', { requestId, user, resourceVersion, bytes: size });
        const headers: Record<string, string> = {
          'content-type': 'application/vnd.sqlite3',
          'content-length': String(size),
          'cache-control': 'no-store',
          'x-ims-resource-version': resourceVersion,
          ...(deps.blobsDir ? { 'x-ims-blobs-dir': deps.blobsDir } : {}),
        };
        return markStreaming(new Response(lazyWebStream(createReadStream('', { fd })), { headers }));
      } catch (error) {
        deps.backups.inc({ result: 'failed' });
        throw error;
      } finally {
        // The open descriptor keeps the bytes until they are sent; the name goes at once.
        rmSync(path, { force: true });
      }
    },
  };
}
