// What replicas sharing one store (etcd) agree on at start, recorded in the store beside the
// objects: which replica minted the bootstrap admin token (only the first may; the others find
// it there and name where it is), and the --public-host that pull specs in status name.
// Never the token itself: tokens are stored only as hashes.
import type { ResourceStore } from '../store/resource-store.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { objectKey } from '../kube/object.ts';
import { isAppError, unlessNotFound } from '../errors.ts';

/** Internal records, under a group the API serves nothing of. */
const adminTokenKey = objectKey('imagestream.io', 'bootstraprecords', '', 'admin-token');
const publicHostKey = objectKey('imagestream.io', 'bootstraprecords', '', 'public-host');

/** A claim younger than this is a replica minting right now; an older one without a token was abandoned. */
const claimPatienceMs = 30_000;

export interface ReplicaName {
  /** host:pid of the replica. */
  readonly identity: string;
  readonly dataDir: string;
}

export interface AdminTokenHolder extends ReplicaName {
  readonly claimedAt: string;
}

type Store = Pick<ResourceStore, 'get' | 'create' | 'update'>;

/**
 * Decides whether this replica may mint the bootstrap token: true when no bootstrap token exists
 * and this replica's claim won (or took over an abandoned one); false when another replica holds
 * one, once its token is stored.
 */
export async function claimAdminToken(
  deps: { store: Store; clock: Clock; hasBootstrapToken: () => Promise<boolean>; wait?: (ms: number) => Promise<void> },
  me: ReplicaName,
): Promise<boolean> {
  const wait = deps.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const claim = { identity: me.identity, dataDir: me.dataDir, claimedAt: deps.clock.now().toISOString() };
  for (;;) {
    if (await deps.hasBootstrapToken()) return false;
    const current = await unlessNotFound(deps.store.get(adminTokenKey));
    try {
      if (!current) await deps.store.create(adminTokenKey, claim);
      else if (deps.clock.now().getTime() - Date.parse(String(current.value.claimedAt)) < claimPatienceMs) {
        // Another replica claimed it a moment ago and is minting: its token shows up shortly.
        await wait(200);
        continue;
      } else await deps.store.update(adminTokenKey, claim, current.resourceVersion);
      return true;
    } catch (error) {
      if (!isAppError(error, 'AlreadyExists') && !isAppError(error, 'Conflict')) throw error;
    }
  }
}

/** Records this replica as the holder of a token minted without a claim (--reset-admin-token). */
export async function recordAdminTokenHolder(store: Store, clock: Clock, me: ReplicaName): Promise<void> {
  const claim = { identity: me.identity, dataDir: me.dataDir, claimedAt: clock.now().toISOString() };
  const current = await unlessNotFound(store.get(adminTokenKey));
  await (current ? store.update(adminTokenKey, claim) : store.create(adminTokenKey, claim));
}

export async function adminTokenHolder(store: Pick<ResourceStore, 'get'>): Promise<AdminTokenHolder | undefined> {
  const current = await unlessNotFound(store.get(adminTokenKey));
  return current?.value as AdminTokenHolder | undefined;
}

/**
 * Records the public host this replica names in pull specs and warns when the replica that
 * recorded one last named another: clients would get different pull specs from different replicas.
 */
export async function notePublicHost(store: Store, logger: Logger, publicHost: string, me: ReplicaName): Promise<void> {
  const record = { publicHost, identity: me.identity };
  const current = await unlessNotFound(store.get(publicHostKey));
  if (current && current.value.publicHost !== publicHost)
    logger.warn('this replica names another --public-host than the replica that started before it; give every replica the same one', {
      publicHost,
      recorded: current.value.publicHost,
      recordedBy: current.value.identity,
    });
  if (current?.value.publicHost === publicHost) return;
  await (current ? store.update(publicHostKey, record) : store.create(publicHostKey, record)).catch((error: unknown) => {
    // Two replicas starting at once: the other one's record stands.
    if (!isAppError(error, 'AlreadyExists')) throw error;
  });
}
