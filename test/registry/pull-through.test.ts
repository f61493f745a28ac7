import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from '../support/api-harness.ts';
import { registryRequest } from '../support/registry-client.ts';
import { putImage, putManifestList, startFakeUpstream } from '../support/fake-upstream.ts';
import { createHash } from 'node:crypto';
import { PullThrough } from '../../src/registry/pull-through.ts';
import { MemoryBlobStore } from '../../src/blobs/memory/memory-blob-store.ts';
import { createLogger } from '../../src/lib/logger.ts';
import type { RegistryClient } from '../../src/importer/upstream/registry-client.ts';
import type { Repository } from '../../src/registry/repository-name.ts';
import type { StreamReferences } from '../../src/registry/stream-references.ts';

describe('pull-through', () => {
  it('serves an imported image from upstream, mirrors it, and keeps serving it while the upstream is down', async () => {
    const upstream = await startFakeUpstream();
    const h = await startHarness();
    try {
      const digest = putImage(upstream, 'org/app', 'v1', 'pulled');
      const imported = await h.request('POST', '/apis/image.openshift.io/v1/namespaces/default/imagestreamimports', {
        body: {
          metadata: { name: 'pt' },
          spec: {
            import: true,
            images: [
              {
                from: { kind: 'DockerImage', name: `${upstream.host}/org/app:v1` },
                to: { name: 'v1' },
                importPolicy: { insecure: true },
                referencePolicy: { type: 'Local' },
              },
            ],
          },
        },
      });
      assert.equal(imported.json.status.images[0].status.status, 'Success');
      const istag = await h.request('GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreamtags/pt:v1');
      assert.equal(istag.json.image.dockerImageReference, `127.0.0.1:8080/default/pt@${digest}`, 'Local tags name the integrated registry');
      const manifest = await registryRequest(h, 'GET', '/v2/default/pt/manifests/v1');
      assert.equal(manifest.status, 200);
      assert.equal(manifest.headers.get('docker-content-digest'), digest);
      const layers = JSON.parse(manifest.bytes.toString()) as { config: { digest: string }; layers: { digest: string }[] };
      const blobs = [layers.config.digest, ...layers.layers.map((l) => l.digest)];
      const before = upstream.requests.length;
      const parallel = await Promise.all([1, 2, 3].map(() => registryRequest(h, 'GET', `/v2/default/pt/blobs/${blobs[1]}`)));
      for (const answer of parallel) assert.equal(answer.bytes.toString(), 'layer pulled');
      assert.equal(upstream.requests.slice(before).filter((r) => r.includes(`/blobs/${blobs[1]}`)).length, 1, 'concurrent misses fetch once');
      await registryRequest(h, 'GET', `/v2/default/pt/blobs/${blobs[0]}`);
      await upstream.stop();
      assert.ok(
        (await registryRequest(h, 'GET', `/v2/default/pt/manifests/${digest}`)).bytes.equals(manifest.bytes),
        'the mirrored manifest survives the upstream',
      );
      assert.equal((await registryRequest(h, 'GET', `/v2/default/pt/blobs/${blobs[1]}`)).bytes.toString(), 'layer pulled');
    } finally {
      await upstream.stop().catch(() => {});
      await h.server.close();
    }
  });

  it('keeps fetching for the clients still waiting when the one that started the fetch hangs up', async () => {
    const bytes = Buffer.from('layer shared');
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const fetches: (AbortSignal | undefined)[] = [];
    // An upstream that answers only once released, and fails a fetch whose signal was aborted, as undici does.
    const client = {
      async openBlob(_reference: unknown, _digest: string, signal?: AbortSignal) {
        fetches.push(signal);
        await held;
        if (signal?.aborted) throw new Error('This operation was aborted');
        return { body: new Blob([bytes]).stream() };
      },
    } as unknown as RegistryClient;
    const blobs = new MemoryBlobStore();
    const pullThrough = new PullThrough({
      clientFor: async () => client,
      blobs,
      links: { linkManifest: async () => {}, linkBlob: async () => {} },
      logger: createLogger({ level: 'error' }),
    });
    const repository: Repository = { namespace: 'default', name: 'app', path: 'default/app' };
    const references: StreamReferences = {
      manifests: new Map(),
      blobs: new Set([digest]),
      sources: new Map([[digest, [{ repository: 'quay.io/org/app', insecure: false }]]]),
    };
    const leaving = new AbortController();
    const first = pullThrough.blob(repository, digest, references, leaving.signal).then(
      () => 'served',
      () => 'told it was aborted',
    );
    const second = pullThrough.blob(repository, digest, references, new AbortController().signal);
    leaving.abort();
    release();
    assert.equal(await second.catch((error: Error) => error.message), true, 'the one still waiting gets the blob');
    assert.equal(await first, 'told it was aborted');
    assert.equal(fetches.length, 1, 'one fetch for both');
    assert.equal((await blobs.stat(digest)).size, bytes.length);
  });

  it('pulls through the children of a manifest list, and never proxies what the stream does not reference', async () => {
    const upstream = await startFakeUpstream();
    const h = await startHarness();
    try {
      const { list, children } = putManifestList(upstream, 'multi/app', 'latest', 'pt');
      const unrelated = putImage(upstream, 'multi/app', 'other', 'unrelated');
      await h.request('POST', '/apis/image.openshift.io/v1/namespaces/default/imagestreamimports', {
        body: {
          metadata: { name: 'whole' },
          spec: {
            import: true,
            images: [
              {
                from: { kind: 'DockerImage', name: `${upstream.host}/multi/app:latest` },
                to: { name: 'latest' },
                importPolicy: { insecure: true, importMode: 'PreserveOriginal' },
              },
            ],
          },
        },
      });
      assert.equal((await registryRequest(h, 'GET', `/v2/default/whole/manifests/${list}`)).status, 200);
      assert.equal((await registryRequest(h, 'GET', `/v2/default/whole/manifests/${children.arm64}`)).status, 200);
      const before = upstream.requests.length;
      const refused = await registryRequest(h, 'GET', `/v2/default/whole/manifests/${unrelated}`);
      assert.equal(refused.status, 404);
      assert.equal(upstream.requests.length, before, 'not even asked upstream');
    } finally {
      await upstream.stop();
      await h.server.close();
    }
  });

  it('obeys the same rules as imports: no private addresses without the flag, only allowed registries', async () => {
    const upstream = await startFakeUpstream();
    const importing = await startHarness();
    const servers = [importing];
    try {
      const digest = putImage(upstream, 'org/app', 'v1', 'pulled');
      await importing.request('POST', '/apis/image.openshift.io/v1/namespaces/default/imagestreamimports', {
        body: {
          metadata: { name: 'pt' },
          spec: {
            import: true,
            images: [
              {
                from: { kind: 'DockerImage', name: `${upstream.host}/org/app:v1` },
                to: { name: 'v1' },
                importPolicy: { insecure: true },
                referencePolicy: { type: 'Local' },
              },
            ],
          },
        },
      });
      // The same data served by servers started with other flags, holding no blobs yet.
      const privateRefused = await startHarness([], { store: importing.store, allowPrivateRegistries: false });
      servers.push(privateRefused);
      const notListed = await startHarness(['--allowed-registries', 'quay.io'], { store: importing.store });
      servers.push(notListed);
      const before = upstream.requests.length;
      for (const h of [privateRefused, notListed]) {
        const answer = await registryRequest(h, 'GET', `/v2/default/pt/manifests/${digest}`);
        assert.equal(answer.status, 404);
        assert.equal(answer.json.errors[0].code, 'MANIFEST_UNKNOWN');
      }
      assert.equal(upstream.requests.length, before, 'neither server asked the upstream');
      assert.equal(
        (await registryRequest(importing, 'GET', `/v2/default/pt/manifests/${digest}`)).status,
        200,
        'the server that may reach it still pulls through',
      );
    } finally {
      await upstream.stop();
      for (const h of servers) await h.server.close();
    }
  });
});
