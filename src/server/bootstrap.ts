// First-start and every-start setup: the built-in cluster roles as shipped, the bootstrap
// bindings, the `default` namespace, the `admin` user and its token in <data-dir>/admin.token.
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { ResourceStore } from '../store/resource-store.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { Clock } from '../lib/clock.ts';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from '../auth/rbac/bootstrap-policy.ts';
import { formatTimestamp, objectKey } from '../kube/object.ts';
import { isAppError } from '../errors.ts';
import { provisionNamespace } from '../api/resources/namespaces.ts';

const rbac = 'rbac.authorization.k8s.io';

export interface BootstrapDeps {
  readonly store: ResourceStore;
  readonly tokens: Pick<TokenService, 'issue'>;
  readonly clock: Clock;
  readonly dataDir: string;
}

/** Returns the path of a newly written admin token file, if one was written. */
export async function bootstrap(deps: BootstrapDeps): Promise<string | undefined> {
  const { store, clock } = deps;
  const meta = (name: string) => ({ name, uid: randomUUID(), creationTimestamp: formatTimestamp(clock.now()), annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } });
  for (const role of bootstrapClusterRoles) {
    const key = objectKey(rbac, 'clusterroles', '', role.name);
    const rules = role.rules.map((r) => ({ ...r }));
    try {
      const current = await store.get(key);
      if (!isDeepStrictEqual(current.value.rules, rules)) await store.update(key, { ...current.value, rules });
    } catch (error) {
      if (!isAppError(error, 'NotFound')) throw error;
      // Replicas starting together on one etcd may both get here; the first one's role stands.
      await createIfMissing(store, key, { metadata: { ...meta(role.name), annotations: { ...meta(role.name).annotations, 'openshift.io/description': role.description } }, rules });
    }
  }
  for (const binding of bootstrapClusterRoleBindings) {
    await createIfMissing(store, objectKey(rbac, 'clusterrolebindings', '', binding.name), {
      metadata: meta(binding.name),
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: binding.role },
      subjects: binding.subjects,
    });
  }
  if (await createIfMissing(store, objectKey('', 'namespaces', '', 'default'), { metadata: { name: 'default', uid: randomUUID(), creationTimestamp: formatTimestamp(clock.now()) }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } })) {
    await provisionNamespace('default', { store, clock });
  }
  await createIfMissing(store, objectKey('user.openshift.io', 'users', '', 'admin'), {
    metadata: { name: 'admin', uid: randomUUID(), creationTimestamp: formatTimestamp(clock.now()) },
    identities: [],
    groups: ['system:cluster-admins'],
  });
  const tokenFile = join(deps.dataDir, 'admin.token');
  if (existsSync(tokenFile)) return undefined;
  const token = await deps.tokens.issue({ kind: 'user', userName: 'admin' });
  // 'wx' never writes through a file or link that appeared meanwhile; chmod makes it 0600 whatever the umask.
  writeFileSync(tokenFile, token + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(tokenFile, 0o600);
  return tokenFile;
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
