import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadKubeConfig } from '../../src/cluster/kube-config.ts';
import { makeTempDir } from '../support/temp-dir.ts';

function kubeconfig(server: string, extra: Record<string, unknown> = {}): string {
  const file = join(makeTempDir('ims-kubeconfig'), 'config');
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server, ...extra } }],
      users: [{ name: 'u', user: { token: 'secret-token-value' } }],
      contexts: [
        { name: 'main', context: { cluster: 'c', user: 'u' } },
        { name: 'spare', context: { cluster: 'c', user: 'u', namespace: 'x' } },
      ],
      'current-context': 'main',
    }),
  );
  return file;
}

describe('loadKubeConfig', () => {
  it('loads the current context, or the one --context names', async () => {
    const file = kubeconfig('https://10.0.0.1:6443');
    assert.equal((await loadKubeConfig({ kubeconfig: file })).getCurrentContext(), 'main');
    assert.equal((await loadKubeConfig({ kubeconfig: file, context: 'spare' })).getCurrentContext(), 'spare');
  });

  it('names the flag and the problem, never the credentials', async () => {
    const file = kubeconfig('https://10.0.0.1:6443');
    await assert.rejects(loadKubeConfig({ kubeconfig: '/nonexistent/kubeconfig' }), /--kubeconfig \/nonexistent\/kubeconfig: no such file/);
    await assert.rejects(loadKubeConfig({ kubeconfig: file, context: 'prod' }), (error: Error) => {
      assert.match(error.message, /--context prod: the kubeconfig has no such context \(it has main, spare\)/);
      assert.doesNotMatch(error.message, /secret-token-value/);
      return true;
    });
    await assert.rejects(loadKubeConfig({ kubeconfig: kubeconfig('http://10.0.0.1:8080') }), /is not HTTPS \(set insecure-skip-tls-verify/);
    assert.ok(await loadKubeConfig({ kubeconfig: kubeconfig('http://10.0.0.1:8080', { 'insecure-skip-tls-verify': true }) }));
  });

  it('refuses --in-cluster outside a pod', async () => {
    const saved = process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_HOST;
    try {
      await assert.rejects(loadKubeConfig({}), /--in-cluster: KUBERNETES_SERVICE_HOST is not set/);
    } finally {
      if (saved !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved;
    }
  });
});
