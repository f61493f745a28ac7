// Crash safety of the registry: SIGKILL the server in the middle of 50 concurrent pushes; after a
// restart every manifest that was answered 201 is pullable, and every blob served matches its digest.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { startServer } from '../support/serve-process.ts';

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

describe('registry crash safety', () => {
  it('keeps every acknowledged push and serves nothing half-written after SIGKILL', async () => {
    const server = await startServer();
    const auth = { authorization: `Bearer ${server.adminToken}` };
    const acknowledged = new Map<string, { manifest: Buffer; blobs: string[] }>();
    let killed = false;
    const push = async (i: number) => {
      const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Env: [`N=${i}`] } }));
      const layer = randomBytes(256 * 1024);
      const blobs = [sha256(config), sha256(layer)];
      for (const [content, digest] of [
        [config, blobs[0]],
        [layer, blobs[1]],
      ] as const) {
        const answer = await fetch(`${server.url}/v2/default/crash/blobs/uploads/?digest=${digest}`, { method: 'POST', body: content, headers: auth });
        if (answer.status !== 201) return;
      }
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: blobs[0], size: config.length },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: blobs[1], size: layer.length }],
        }),
      );
      const answer = await fetch(`${server.url}/v2/default/crash/manifests/t${i}`, {
        method: 'PUT',
        body: manifest,
        headers: { ...auth, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      });
      if (answer.status === 201) {
        acknowledged.set(`t${i}`, { manifest, blobs });
        if (acknowledged.size >= 12 && !killed) {
          killed = true;
          server.process.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 50 }, (_, i) => push(i).catch(() => undefined)));
    if (!killed) server.process.kill('SIGKILL');
    await server.stop();
    assert.ok(acknowledged.size >= 12, `only ${acknowledged.size} pushes were acknowledged before the kill`);

    const again = await startServer([], { dataDir: server.dataDir });
    try {
      for (const [tag, pushed] of acknowledged) {
        const manifest = await fetch(`${again.url}/v2/default/crash/manifests/${tag}`, { headers: auth });
        assert.equal(manifest.status, 200, `${tag} is pullable`);
        assert.ok(Buffer.from(await manifest.arrayBuffer()).equals(pushed.manifest), `${tag} has the bytes that were pushed`);
      }
      const tags = ((await (await fetch(`${again.url}/v2/default/crash/tags/list`, { headers: auth })).json()) as { tags: string[] }).tags;
      for (const tag of tags) {
        const manifest = await fetch(`${again.url}/v2/default/crash/manifests/${tag}`, { headers: auth });
        assert.equal(manifest.status, 200);
        const body = Buffer.from(await manifest.arrayBuffer());
        assert.equal(sha256(body), manifest.headers.get('docker-content-digest'));
        const parsed = JSON.parse(body.toString()) as { config: { digest: string }; layers: { digest: string }[] };
        for (const digest of [parsed.config.digest, ...parsed.layers.map((l) => l.digest)]) {
          const blob = await fetch(`${again.url}/v2/default/crash/blobs/${digest}`, { headers: auth });
          assert.equal(blob.status, 200);
          assert.equal(sha256(Buffer.from(await blob.arrayBuffer())), digest, `blob ${digest} matches its digest`);
        }
      }
      assert.ok(tags.length >= acknowledged.size);
    } finally {
      await again.stop();
    }
  });
});
