// First-start and every-start setup: the built-in cluster roles as shipped, the bootstrap
// bindings, the `default` namespace, the `admin` user and its token in <data-dir>/admin.token.
// `--reset-admin-token` is the local recovery of a lost administrator: only someone who can run
// the server on its data dir can use it.
import { randomUUID } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { ResourceStore } from '../store/resource-store.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { Clock } from '../lib/clock.ts';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from '../auth/rbac/bootstrap-policy.ts';
import { formatTimestamp, objectKey } from '../kube/object.ts';
import { isAppError } from '../errors.ts';
import { provisionNamespace } from '../api/resources/namespaces.ts';
import { claimAdminToken, recordAdminTokenHolder, type ReplicaName } from './bootstrap-record.ts';

const rbac = 'rbac.authorization.k8s.io';

export interface BootstrapDeps {
  readonly store: ResourceStore;
  readonly tokens: Pick<TokenService, 'issue' | 'find' | 'markBootstrap' | 'revokeBootstrapTokens' | 'hasBootstrapToken'>;
  readonly clock: Clock;
  readonly dataDir: string;
  /** Revoke every bootstrap token, make `admin` a cluster-admin again, and write a new admin.token. */
  readonly resetAdminToken?: boolean;
  /** This replica, when it shares the store with others (etcd): then only the first one mints the token. */
  readonly replica?: ReplicaName;
}

/**
 * Returns the path of a newly written admin token file, if one was written. A replica sharing the
 * store writes none when another replica holds the bootstrap token (`adminTokenHolder` says which).
 */
export async function bootstrap(deps: BootstrapDeps): Promise<string | undefined> {
  const { store, clock } = deps;
  const meta = (name: string) => ({
    name,
    uid: randomUUID(),
    creationTimestamp: formatTimestamp(clock.now()),
    annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
  });
  for (const role of bootstrapClusterRoles) {
    const key = objectKey(rbac, 'clusterroles', '', role.name);
    const rules = role.rules.map((r) => ({ ...r }));
    try {
      const current = await store.get(key);
      if (!isDeepStrictEqual(current.value.rules, rules)) await store.update(key, { ...current.value, rules });
    } catch (error) {
      if (!isAppError(error, 'NotFound')) throw error;
      // Replicas starting together on one etcd may both get here; the first one's role stands.
      await createIfMissing(store, key, {
        metadata: { ...meta(role.name), annotations: { ...meta(role.name).annotations, 'openshift.io/description': role.description } },
        rules,
      });
    }
  }
  for (const binding of bootstrapClusterRoleBindings) {
    await createIfMissing(store, objectKey(rbac, 'clusterrolebindings', '', binding.name), {
      metadata: meta(binding.name),
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: binding.role },
      subjects: binding.subjects,
    });
  }
  if (
    await createIfMissing(store, objectKey('', 'namespaces', '', 'default'), {
      metadata: { name: 'default', uid: randomUUID(), creationTimestamp: formatTimestamp(clock.now()) },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    })
  ) {
    await provisionNamespace('default', { store, clock });
  }
  await createIfMissing(store, objectKey('user.openshift.io', 'users', '', 'admin'), {
    metadata: { name: 'admin', uid: randomUUID(), creationTimestamp: formatTimestamp(clock.now()) },
    identities: [],
    groups: [adminGroup],
  });
  const tokenFile = join(deps.dataDir, 'admin.token');
  if (deps.resetAdminToken) {
    await deps.tokens.revokeBootstrapTokens();
    await restoreAdministrator(store);
    const written = writeTokenFile(tokenFile, await deps.tokens.issue({ kind: 'user', userName: 'admin' }, undefined, { bootstrap: true }));
    if (deps.replica) await recordAdminTokenHolder(store, clock, deps.replica);
    return written;
  }
  const existing = readTokenFile(tokenFile);
  if (existing !== undefined) {
    const found = await deps.tokens.find(existing);
    const isAdmins = found?.subject.kind === 'user' && found.subject.userName === 'admin';
    // A token from before tokens were marked is marked now, so that a logout keeps it too.
    if (isAdmins && !found.bootstrap) await deps.tokens.markBootstrap(existing);
    // A file this store does not know (revoked, or from a store since replaced) gets a token that works.
    if (found) return undefined;
  }
  const mayMint = deps.replica ? await claimAdminToken({ store, clock, hasBootstrapToken: () => deps.tokens.hasBootstrapToken() }, deps.replica) : true;
  if (!mayMint) return undefined;
  return writeTokenFile(tokenFile, await deps.tokens.issue({ kind: 'user', userName: 'admin' }, undefined, { bootstrap: true }));
}

const adminGroup = 'system:cluster-admins';

/** The `admin` user in system:cluster-admins, and that group bound to cluster-admin, as on a first start. */
async function restoreAdministrator(store: ResourceStore): Promise<void> {
  const userKey = objectKey('user.openshift.io', 'users', '', 'admin');
  const user = await store.get(userKey);
  const groups = Array.isArray(user.value.groups) ? (user.value.groups as string[]) : [];
  if (!groups.includes(adminGroup)) await store.update(userKey, { ...user.value, groups: [...groups, adminGroup] }, user.resourceVersion);
  const shipped = bootstrapClusterRoleBindings.find((b) => b.role === 'cluster-admin')!;
  const bindingKey = objectKey(rbac, 'clusterrolebindings', '', shipped.name);
  const binding = await store.get(bindingKey);
  const subjects = Array.isArray(binding.value.subjects) ? (binding.value.subjects as { kind?: string; name?: string }[]) : [];
  // Its roleRef cannot change through the API (as in Kubernetes), and a deleted binding is back from the loop above.
  if (!subjects.some((s) => s.kind === 'Group' && s.name === adminGroup))
    await store.update(bindingKey, { ...binding.value, subjects: [...subjects, ...shipped.subjects] }, binding.resourceVersion);
}

function readTokenFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes the token beside the file and renames it into place, so admin.token is never half written. */
function writeTokenFile(path: string, token: string): string {
  const temp = `${path}.${process.pid}.new`;
  rmSync(temp, { force: true });
  // 'wx' never writes through a file or link that appeared meanwhile; chmod makes it 0600 whatever the umask.
  writeFileSync(temp, token + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
  return path;
}

async function createIfMissing(store: ResourceStore, key: string, value: Record<string, unknown>): Promise<boolean> {
  try {
    await store.create(key, value);
    return true;
  } catch (error) {
    if (isAppError(error, 'AlreadyExists')) return false;
    throw error;
  }
}
