import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/api-harness.ts';

const deployment = (name: string, image = 'nginx:1.25', labels: Record<string, string> = { app: name }) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } } },
});

describe('stored resources through the API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  it('creates an object with uid, creationTimestamp, generation 1 and a resourceVersion, and reads it back', async () => {
    const created = await h.request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment('web') });
    assert.equal(created.status, 201);
    const meta = created.json.metadata;
    assert.match(meta.uid, /^[0-9a-f-]{36}$/);
    assert.match(meta.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(meta.generation, 1);
    assert.equal(meta.namespace, 'default');
    const read = await h.request('GET', '/apis/apps/v1/namespaces/default/deployments/web');
    assert.equal(read.status, 200);
    assert.deepEqual(read.json, created.json);
    assert.equal(read.json.apiVersion, 'apps/v1');
    assert.equal(read.json.kind, 'Deployment');
  });

  it('answers AlreadyExists for a second create of the same name', async () => {
    await h.request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment('twice') });
    const again = await h.request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment('twice', 'other:1') });
    assert.equal(again.status, 409);
    assert.equal(again.json.reason, 'AlreadyExists');
    assert.equal(again.json.message, 'deployments.apps "twice" already exists');
    const kept = await h.request('GET', '/apis/apps/v1/namespaces/default/deployments/twice');
    assert.equal(kept.json.spec.template.spec.containers[0].image, 'nginx:1.25');
  });

  it('bumps generation on a spec change but not on a label change, and keeps uid and creationTimestamp', async () => {
    const created = (await h.request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment('gen') })).json;
    const relabelled = await h.request('PUT', '/apis/apps/v1/namespaces/default/deployments/gen', {
      body: { ...created, metadata: { ...created.metadata, labels: { app: 'gen', tier: 'web' } } },
    });
    assert.equal(relabelled.status, 200);
    assert.equal(relabelled.json.metadata.generation, 1);
    const changed = structuredClone(relabelled.json);
    changed.spec.template.spec.containers[0].image = 'nginx:1.26';
    changed.metadata.uid = 'forged';
    const updated = await h.request('PUT', '/apis/apps/v1/namespaces/default/deployments/gen', { body: changed });
    assert.equal(updated.json.metadata.generation, 2);
    assert.equal(updated.json.metadata.uid, created.metadata.uid);
    assert.equal(updated.json.metadata.creationTimestamp, created.metadata.creationTimestamp);
  });

  it('refuses an update with a stale resourceVersion with Conflict and keeps the newer object', async () => {
    const created = (await h.request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment('race') })).json;
    const first = structuredClone(created);
    first.spec.replicas = 2;
    assert.equal((await h.request('PUT', '/apis/apps/v1/namespaces/default/deployments/race', { body: first })).status, 200);
    const stale = structuredClone(created);
    stale.spec.replicas = 5;
    const refused = await h.request('PUT', '/apis/apps/v1/namespaces/default/deployments/race', { body: stale });
    assert.equal(refused.status, 409);
    assert.equal(refused.json.reason, 'Conflict');
    assert.match(refused.json.message, /the object has been modified; please apply your changes to the latest version and try again/);
    assert.equal((await h.request('GET', '/apis/apps/v1/namespaces/default/deployments/race')).json.spec.replicas, 2);
  });

  it('keeps status out of main updates and everything but status out of status updates', async () => {
    const created = (await h.request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: { ...deployment('st'), status: { replicas: 9 } } })).json;
    assert.equal(created.status, undefined);
    const withStatus = await h.request('PUT', '/apis/apps/v1/namespaces/default/deployments/st/status', {
      body: { ...created, status: { readyReplicas: 1 }, spec: { ...created.spec, replicas: 7 } },
    });
    assert.equal(withStatus.status, 200);
    assert.deepEqual(withStatus.json.status, { readyReplicas: 1 });
    assert.equal(withStatus.json.spec.replicas, undefined);
    const main = await h.request('PUT', '/apis/apps/v1/namespaces/default/deployments/st', { body: { ...withStatus.json, status: { readyReplicas: 99 } } });
    assert.deepEqual(main.json.status, { readyReplicas: 1 });
  });

  it('stores nothing on a dry run', async () => {
    const dry = await h.request('POST', '/apis/apps/v1/namespaces/default/deployments?dryRun=All', { body: deployment('dry') });
    assert.equal(dry.status, 201);
    assert.equal((await h.request('GET', '/apis/apps/v1/namespaces/default/deployments/dry')).status, 404);
  });

  it('lists in pages with limit and continue, and filters by label selector', async () => {
    await h.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'paging' } } });
    for (let i = 0; i < 5; i++) {
      await h.request('POST', '/api/v1/namespaces/paging/secrets', {
        body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: `s${i}`, labels: { parity: i % 2 ? 'odd' : 'even' } } },
      });
    }
    const names: string[] = [];
    let token = '';
    do {
      const page = await h.request('GET', `/api/v1/namespaces/paging/secrets?limit=2${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
      assert.equal(page.json.kind, 'SecretList');
      names.push(...page.json.items.map((i: { metadata: { name: string } }) => i.metadata.name));
      token = page.json.metadata.continue ?? '';
    } while (token);
    assert.deepEqual(names, ['s0', 's1', 's2', 's3', 's4']);
    const odd = await h.request('GET', '/api/v1/namespaces/paging/secrets?labelSelector=parity%3Dodd');
    assert.deepEqual(
      odd.json.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ['s1', 's3'],
    );
    const bad = await h.request('GET', '/api/v1/namespaces/paging/secrets?labelSelector=%3D%3Dx');
    assert.equal(bad.status, 400);
  });

  it('deletes with a precondition and then answers NotFound', async () => {
    const created = (await h.request('POST', '/api/v1/namespaces/default/secrets', { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'gone' } } }))
      .json;
    const wrong = await h.request('DELETE', '/api/v1/namespaces/default/secrets/gone', {
      body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'nope' } },
    });
    assert.equal(wrong.status, 409);
    const deleted = await h.request('DELETE', '/api/v1/namespaces/default/secrets/gone', {
      body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: created.metadata.uid } },
    });
    assert.equal(deleted.status, 200);
    const missing = await h.request('GET', '/api/v1/namespaces/default/secrets/gone');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.message, 'secrets "gone" not found');
  });

  it('refuses a watch from a resourceVersion it never issued: 410 when ahead of the newest, 400 when no number', async () => {
    // timeoutSeconds ends the watch should it open, so a server that waits forever fails here instead of hanging.
    const ahead = await h.request('GET', '/api/v1/namespaces/default/secrets?watch=true&timeoutSeconds=1&resourceVersion=99999999999999999999999');
    assert.equal(ahead.status, 410);
    assert.equal(ahead.json.reason, 'Expired');
    assert.match(ahead.json.message, /^too large resource version: 99999999999999999999999, the newest is \d+; list again to watch from a current version$/);
    const current = (await h.request('GET', '/api/v1/namespaces/default/secrets')).json.metadata.resourceVersion;
    const next = await h.request('GET', `/api/v1/namespaces/default/secrets?watch=true&timeoutSeconds=1&resourceVersion=${BigInt(current) + 1000n}`);
    assert.equal(next.status, 410);
    const word = await h.request('GET', '/api/v1/namespaces/default/secrets?watch=true&timeoutSeconds=1&resourceVersion=latest');
    assert.equal(word.status, 400);
    assert.equal(word.json.message, 'invalid resource version "latest": it must be a decimal number');
  });

  it('streams watch events as JSON lines from a resourceVersion', async () => {
    const start = (await h.request('GET', '/api/v1/namespaces/default/secrets')).json.metadata.resourceVersion;
    const aborter = new AbortController();
    const watching = h.server.handle(
      new Request(`http://x/api/v1/namespaces/default/secrets?watch=true&resourceVersion=${start}`, {
        headers: { authorization: `Bearer ${h.adminToken}` },
        signal: aborter.signal,
      }),
      'watch',
    );
    await h.request('POST', '/api/v1/namespaces/default/secrets', { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'w1' } } });
    await h.request('DELETE', '/api/v1/namespaces/default/secrets/w1');
    const response = await watching;
    const reader = response.body!.getReader();
    let text = '';
    while (text.split('\n').filter(Boolean).length < 2) text += new TextDecoder().decode((await reader.read()).value);
    aborter.abort();
    await reader.cancel();
    const events = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      events.map((e) => [e.type, e.object.metadata.name, e.object.kind]),
      [
        ['ADDED', 'w1', 'Secret'],
        ['DELETED', 'w1', 'Secret'],
      ],
    );
  });

  it('answers a JSON merge patch, a JSON patch and a strategic merge patch that merges containers by name', async () => {
    await h.request('POST', '/apis/apps/v1/namespaces/default/deployments', {
      body: {
        ...deployment('p'),
        spec: {
          ...deployment('p').spec,
          template: {
            metadata: { labels: { app: 'p' } },
            spec: {
              containers: [
                { name: 'a', image: 'a:1' },
                { name: 'b', image: 'b:1' },
              ],
            },
          },
        },
      },
    });
    const merged = await h.request('PATCH', '/apis/apps/v1/namespaces/default/deployments/p', {
      body: { metadata: { labels: { extra: 'yes' } } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(merged.json.metadata.labels.extra, 'yes');
    const strategic = await h.request('PATCH', '/apis/apps/v1/namespaces/default/deployments/p', {
      body: { spec: { template: { spec: { containers: [{ name: 'b', image: 'b:2' }] } } } },
      contentType: 'application/strategic-merge-patch+json',
    });
    assert.deepEqual(
      strategic.json.spec.template.spec.containers.map((c: { image: string }) => c.image),
      ['a:1', 'b:2'],
    );
    const json = await h.request('PATCH', '/apis/apps/v1/namespaces/default/deployments/p', {
      body: [
        { op: 'replace', path: '/spec/replicas', value: 3 },
        { op: 'add', path: '/spec/paused', value: true },
      ],
      contentType: 'application/json-patch+json',
    });
    assert.equal(json.status, 422, 'replace of a missing path is refused');
    const ok = await h.request('PATCH', '/apis/apps/v1/namespaces/default/deployments/p', {
      body: [{ op: 'add', path: '/spec/replicas', value: 3 }],
      contentType: 'application/json-patch+json',
    });
    assert.equal(ok.json.spec.replicas, 3);
    assert.equal(ok.json.metadata.generation, 3);
  });
});
