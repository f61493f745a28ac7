// The pull-secret controller against a cluster held in a map (function-field fake): it writes the
// secret and links it once, replaces the credential after half its day, and leaves alone the
// namespaces that opted out or have no project here.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/api-harness.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { PullSecretController } from '../../src/cluster/pull-secrets.ts';
import { AppError } from '../../src/errors.ts';
import { createLogger } from '../../src/lib/logger.ts';
import type { ClusterClient } from '../../src/cluster/cluster-connection.ts';

type Json = Record<string, any>;

function mapCluster(objects: Map<string, Json>): { cluster: ClusterClient; writes: string[] } {
  const writes: string[] = [];
  const cluster = {
    server: 'https://fake',
    async request(method: string, path: string, options: { body?: Json } = {}) {
      if (method === 'GET') {
        const found = objects.get(path);
        if (!found) throw new AppError('NotFound', `${path} not found`);
        return structuredClone(found);
      }
      writes.push(`${method} ${path}`);
      if (method === 'POST') objects.set(`${path}/${options.body!.metadata.name}`, options.body!);
      else if (method === 'PUT') objects.set(path, options.body!);
      else if (method === 'PATCH') objects.set(path, { ...objects.get(path), ...options.body, metadata: objects.get(path)!.metadata });
      return {};
    },
  } as unknown as ClusterClient;
  return { cluster, writes };
}

const connectedOnly = (...names: string[]) => ({ isConnected: (namespace: string) => names.includes(namespace), onChange: () => {} });
const secretPath = '/api/v1/namespaces/default/secrets/ims-registry-pull';
const passwordOf = (secret: Json) => JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString()).auths['ims.example:8080'].password;

describe('the pull-secret controller', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  it('writes the secret, links it to default, and replaces the credential only after half of its day', async () => {
    const objects = new Map<string, Json>([
      ['/api/v1/namespaces/default', { metadata: { name: 'default' } }],
      ['/api/v1/namespaces/default/serviceaccounts/default', { metadata: { name: 'default', resourceVersion: '3' }, imagePullSecrets: [{ name: 'quay' }] }],
    ]);
    const { cluster, writes } = mapCluster(objects);
    const clock = fakeClock();
    const controller = new PullSecretController({
      cluster,
      store: h.store,
      tokens: h.server.tokens,
      clock,
      logger: createLogger({ level: 'error' }),
      namespaces: connectedOnly('default', 'elsewhere'),
      registryHost: 'ims.example:8080',
    });
    const signal = new AbortController().signal;
    const first = await controller.reconcile('default', signal);
    assert.deepEqual(writes, ['POST /api/v1/namespaces/default/secrets', 'PATCH /api/v1/namespaces/default/serviceaccounts/default']);
    const secret = objects.get(secretPath)!;
    assert.equal(secret.type, 'kubernetes.io/dockerconfigjson');
    assert.deepEqual(objects.get('/api/v1/namespaces/default/serviceaccounts/default')!.imagePullSecrets, [{ name: 'quay' }, { name: 'ims-registry-pull' }]);
    assert.equal(first.requeueAfterMs, 12 * 3600_000);

    clock.advance(3600_000);
    await controller.reconcile('default', signal);
    assert.equal(writes.length, 2, 'a fresh credential is left as it is, and the link is not written twice');

    clock.advance(12 * 3600_000);
    await controller.reconcile('default', signal);
    assert.deepEqual(writes.slice(2), [`PUT ${secretPath}`]);
    assert.notEqual(passwordOf(objects.get(secretPath)!), passwordOf(secret), 'a new token replaces the old');
  });

  it('leaves a namespace that opted out, is not labelled connected, or has no project here, alone', async () => {
    const objects = new Map<string, Json>([
      ['/api/v1/namespaces/default', { metadata: { name: 'default', annotations: { 'imagestream.io/pull-secret': 'false' } } }],
      ['/api/v1/namespaces/elsewhere', { metadata: { name: 'elsewhere' } }],
      ['/api/v1/namespaces/unlabelled', { metadata: { name: 'unlabelled' } }],
    ]);
    assert.equal((await h.request('POST', '/api/v1/namespaces', { body: { metadata: { name: 'unlabelled' } } })).status, 201);
    const { cluster, writes } = mapCluster(objects);
    const controller = new PullSecretController({
      cluster,
      store: h.store,
      tokens: h.server.tokens,
      clock: fakeClock(),
      logger: createLogger({ level: 'error' }),
      namespaces: connectedOnly('default', 'elsewhere'),
      registryHost: 'ims.example:8080',
    });
    await controller.reconcile('default', new AbortController().signal);
    await controller.reconcile('elsewhere', new AbortController().signal);
    await controller.reconcile('unlabelled', new AbortController().signal);
    assert.deepEqual(writes, []);
  });
});
