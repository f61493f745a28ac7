import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';

const template = (containers: unknown[]) => ({ metadata: { labels: { app: 'x' } }, spec: { containers } });

describe('workload kinds', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  const kinds: [string, string, (containers: unknown[]) => Record<string, unknown>][] = [
    ['/api/v1/namespaces/default/pods', 'Pod', (c) => ({ spec: { containers: c } })],
    ['/api/v1/namespaces/default/replicationcontrollers', 'ReplicationController', (c) => ({ spec: { template: template(c) } })],
    ['/apis/apps/v1/namespaces/default/deployments', 'Deployment', (c) => ({ spec: { selector: { matchLabels: { app: 'x' } }, template: template(c) } })],
    ['/apis/apps/v1/namespaces/default/statefulsets', 'StatefulSet', (c) => ({ spec: { selector: { matchLabels: { app: 'x' } }, template: template(c) } })],
    ['/apis/apps/v1/namespaces/default/daemonsets', 'DaemonSet', (c) => ({ spec: { selector: { matchLabels: { app: 'x' } }, template: template(c) } })],
    ['/apis/apps/v1/namespaces/default/replicasets', 'ReplicaSet', (c) => ({ spec: { selector: { matchLabels: { app: 'x' } }, template: template(c) } })],
    ['/apis/batch/v1/namespaces/default/jobs', 'Job', (c) => ({ spec: { template: template(c) } })],
    ['/apis/batch/v1/namespaces/default/cronjobs', 'CronJob', (c) => ({ spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: template(c) } } } })],
  ];

  for (const [path, kind, shape] of kinds) {
    it(`stores a ${kind} as given and refuses one whose containers lack an image`, async () => {
      const apiVersion = path.startsWith('/api/v1') ? 'v1' : path.split('/').slice(2, 4).join('/');
      const name = kind.toLowerCase();
      const good = await h.request('POST', path, {
        body: { apiVersion, kind, metadata: { name }, ...shape([{ name: 'app', image: 'quay.io/org/app:1', env: [{ name: 'A', value: '1' }] }]) },
      });
      assert.equal(good.status, 201, JSON.stringify(good.json));
      const stored = await h.request('GET', `${path}/${name}`);
      assert.equal(JSON.stringify(stored.json).includes('quay.io/org/app:1'), true);
      const bad = await h.request('POST', path, { body: { apiVersion, kind, metadata: { name: `${name}-bad` }, ...shape([{ name: 'app' }]) } });
      assert.equal(bad.status, 422);
      assert.match(bad.json.details.causes[0].field, /containers\[0\]\.image$/);
    });
  }

  it('refuses duplicate container names and a selector that does not match the template', async () => {
    const duplicate = await h.request('POST', '/api/v1/namespaces/default/pods', {
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'dup' },
        spec: {
          containers: [
            { name: 'a', image: 'x' },
            { name: 'a', image: 'y' },
          ],
        },
      },
    });
    assert.equal(duplicate.status, 422);
    assert.equal(duplicate.json.details.causes[0].reason, 'FieldValueDuplicate');
    const mismatch = await h.request('POST', '/apis/apps/v1/namespaces/default/deployments', {
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'mismatch' },
        spec: { selector: { matchLabels: { app: 'other' } }, template: template([{ name: 'a', image: 'x' }]) },
      },
    });
    assert.equal(mismatch.status, 422);
    assert.match(mismatch.json.message, /selector` does not match template `labels`/);
  });
});
