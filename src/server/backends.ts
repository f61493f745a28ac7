// The backend table: which ResourceStore, BlobStore and leader election a configuration means.
// The only place that names concrete backends.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ResourceStore } from '../store/resource-store.ts';
import type { BlobStore } from '../blobs/blob-store.ts';
import type { LeaderElection } from '../controllers/runtime/leader-election.ts';
import type { ServerConfig } from './config.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { SqliteResourceStore } from '../store/sqlite/sqlite-resource-store.ts';
import { MemoryResourceStore } from '../store/memory/memory-resource-store.ts';
import { EtcdResourceStore } from '../store/etcd/etcd-resource-store.ts';
import { FsBlobStore, fsBlobContentDir } from '../blobs/fs/fs-blob-store.ts';
import { MemoryBlobStore } from '../blobs/memory/memory-blob-store.ts';
import { S3BlobStore, abortAbandonedUploadsPeriodically } from '../blobs/s3/s3-blob-store.ts';
import { LocalLeaderElection } from '../controllers/runtime/leader-election.ts';
import { EtcdLeaderElection } from '../controllers/runtime/etcd-leader-election.ts';
import type { EtcdClientTls } from '../store/etcd/etcd-connection.ts';
import { AppError } from '../errors.ts';

type StoreConfig = Pick<ServerConfig, 'store' | 'dataDir' | 'etcdEndpoints' | 'etcdTls'>;

const stores: Record<ServerConfig['store'], (config: StoreConfig) => ResourceStore> = {
  memory: () => new MemoryResourceStore(),
  sqlite: (config) => new SqliteResourceStore(join(config.dataDir, 'store.db')),
  etcd: (config) => new EtcdResourceStore({ endpoints: config.etcdEndpoints, tls: etcdTls(config) }),
};

/** The PEM bytes of --etcd-ca/--etcd-cert/--etcd-key, read once at start; a file that cannot be read names its flag. */
function etcdTls(config: Pick<ServerConfig, 'etcdTls'>): EtcdClientTls | undefined {
  if (!config.etcdTls) return undefined;
  const read = (flag: string, path: string | undefined) => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (error) {
      throw new AppError('BadRequest', `--${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'cannot be read'}`);
    }
  };
  return { ca: read('etcd-ca', config.etcdTls.ca), cert: read('etcd-cert', config.etcdTls.cert), key: read('etcd-key', config.etcdTls.key) };
}

export function openStore(config: StoreConfig): ResourceStore {
  return stores[config.store](config);
}

export async function openBlobs(config: Pick<ServerConfig, 'store' | 'blobs' | 'dataDir' | 's3'>, clock: Clock, logger?: Logger): Promise<BlobStore> {
  if (config.blobs === 's3') {
    if (!config.s3) throw new AppError('BadRequest', '--blobs s3 needs --s3-endpoint and --s3-bucket');
    const { abortUploadsAfterMs, redirectTtlSeconds, ...driver } = config.s3;
    const store = await new S3BlobStore(driver, { clock, redirectTtlSeconds }).init();
    if (logger) abortAbandonedUploadsPeriodically(store, abortUploadsAfterMs, logger);
    return store;
  }
  if (config.store === 'memory') return new MemoryBlobStore({ clock });
  return new FsBlobStore(blobRoot(config), { clock }).init();
}

function blobRoot(config: Pick<ServerConfig, 'dataDir'>): string {
  return join(config.dataDir, 'blobs');
}

/** The directory of stored blobs a backup copies after the store's snapshot, if they are files here. */
export function blobContentDir(config: Pick<ServerConfig, 'store' | 'blobs' | 'dataDir'>): string | undefined {
  return config.store === 'memory' || config.blobs !== 'fs' ? undefined : fsBlobContentDir(blobRoot(config));
}

/** How `ims adm backup` copies the store while the server runs: a snapshot, or why not and what to use instead. */
export type StoreBackup = { readonly snapshot: (path: string) => Promise<{ resourceVersion: string }> } | { readonly refusal: string };

export function storeBackup(config: Pick<ServerConfig, 'store'>, store: ResourceStore): StoreBackup {
  if (store instanceof SqliteResourceStore) return { snapshot: (path) => store.backup(path) };
  if (config.store === 'etcd')
    return {
      refusal: "this server keeps its metadata in etcd: back it up with 'etcdctl snapshot save FILE' against its --etcd-endpoints (see the README, Backups)",
    };
  return { refusal: `this server runs with --store ${config.store}, which keeps nothing on disk: there is nothing to back up` };
}

/** A single process always leads; replicas sharing etcd elect one through a lease. */
export function openElection(config: Pick<ServerConfig, 'store' | 'etcdEndpoints' | 'etcdTls'>, logger: Logger): LeaderElection {
  return config.store === 'etcd'
    ? new EtcdLeaderElection({ endpoints: config.etcdEndpoints, tls: etcdTls(config), identity: replicaIdentity(), logger })
    : new LocalLeaderElection();
}

/** How this replica names itself to the others (the election, the bootstrap record). */
export function replicaIdentity(): string {
  return `${hostname()}:${process.pid}`;
}
