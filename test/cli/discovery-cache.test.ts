import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DiscoveryList } from '../../src/cli/api-client.ts';
import { cachedResolver, discoveryFile, discoveryTtlMs } from '../../src/cli/discovery-cache.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/** A server's discovery that can grow a resource, counting how often it is asked. */
function fakeServer(server = 'https://127.0.0.1:8443') {
  const resources = [
    {
      resource: 'imagestreams',
      responseKind: { kind: 'ImageStream' },
      scope: 'Namespaced',
      singularResource: 'imagestream',
      shortNames: ['is'],
      verbs: ['get'],
    },
  ];
  const state = { asked: 0, resources };
  const client = {
    options: { server },
    async discovery(groups: 'core' | 'named'): Promise<DiscoveryList> {
      if (groups === 'named') state.asked++;
      return groups === 'core'
        ? { items: [] }
        : { items: [{ metadata: { name: 'image.openshift.io' }, versions: [{ version: 'v1', resources: structuredClone(state.resources) }] }] };
    },
  };
  return { state, client };
}

describe('discovery cache', () => {
  beforeEach(() => {
    process.env.IMS_CACHE_DIR = makeTempDir('ims-cache');
  });

  it('asks the server once, and later commands read the copy on disk', async () => {
    const { state, client } = fakeServer();
    assert.equal((await (await cachedResolver(() => client)()).resolve('is')).kind, 'ImageStream');
    assert.equal(state.asked, 1);
    assert.equal((await (await cachedResolver(() => client)()).resolve('imagestreams')).resource, 'imagestreams');
    assert.equal(state.asked, 1);
    assert.match(discoveryFile(client.options.server), /discovery\/127\.0\.0\.1_8443\/resources\.json$/);
    assert.equal(statSync(discoveryFile(client.options.server)).mode & 0o777, 0o600);
  });

  it('asks again for a name the cached copy does not know, and keeps the new answer', async () => {
    const { state, client } = fakeServer();
    await (await cachedResolver(() => client)()).resolve('is');
    state.resources.push({
      resource: 'widgets',
      responseKind: { kind: 'Widget' },
      scope: 'Namespaced',
      singularResource: 'widget',
      shortNames: [],
      verbs: ['get'],
    });
    assert.equal((await (await cachedResolver(() => client)()).resolve('widgets')).kind, 'Widget');
    assert.equal(state.asked, 2);
    await (await cachedResolver(() => client)()).resolve('widget');
    assert.equal(state.asked, 2);
  });

  it('asks the server only once for a name nobody serves, then says so', async () => {
    const { state, client } = fakeServer();
    await (await cachedResolver(() => client)()).resolve('is');
    const resolver = await cachedResolver(() => client)();
    await assert.rejects(resolver.resolve('gadgets'), /the server doesn't have a resource type "gadgets"/);
    await assert.rejects(resolver.byKind('v1', 'Gadget'), /no matches for kind "Gadget" in version "v1"/);
    assert.equal(state.asked, 2);
  });

  it('is asked again after six hours, as kubectl', async () => {
    const { state, client } = fakeServer();
    const start = Date.UTC(2026, 0, 1);
    await (
      await cachedResolver(
        () => client,
        () => start,
      )()
    ).resolve('is');
    await (
      await cachedResolver(
        () => client,
        () => start + discoveryTtlMs - 1,
      )()
    ).resolve('is');
    assert.equal(state.asked, 1);
    await (
      await cachedResolver(
        () => client,
        () => start + discoveryTtlMs,
      )()
    ).resolve('is');
    assert.equal(state.asked, 2);
  });

  it('keeps one copy per server, and ignores a copy it cannot read', async () => {
    const one = fakeServer('https://127.0.0.1:8443');
    const two = fakeServer('http://127.0.0.1:8080');
    await (await cachedResolver(() => one.client)()).resolve('is');
    await (await cachedResolver(() => two.client)()).resolve('is');
    assert.equal(two.state.asked, 1);
    writeFileSync(discoveryFile(two.client.options.server), '{"half');
    assert.equal((await (await cachedResolver(() => two.client)()).resolve('is')).kind, 'ImageStream');
    assert.equal(two.state.asked, 2);
    assert.equal(one.state.asked, 1);
  });

  it('lives beside the CLI config unless IMS_CACHE_DIR says otherwise', () => {
    delete process.env.IMS_CACHE_DIR;
    const dir = makeTempDir('ims-config');
    process.env.IMS_CONFIG = join(dir, 'config.json');
    assert.equal(discoveryFile('https://example.com'), join(dir, 'cache', 'discovery', 'example.com_443', 'resources.json'));
    assert.equal(existsSync(join(dir, 'cache')), false);
  });
});
