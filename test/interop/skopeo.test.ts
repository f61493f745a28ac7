// Real skopeo against a real `ims serve`: multi-arch copies in and out with byte-identical
// manifests, a Docker manifest list from the distribution registry through Imagestream, inspect
// and delete.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { buildOciLayout, type OciLayout } from '../support/oci-images.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';
import { distributionBinary, startDistribution } from '../support/distribution-registry.ts';
import { cliSession } from '../support/run-cli.ts';

const skopeoBinary = findExecutable('skopeo');
const skip =
  missingPeer('skopeo', skopeoBinary, 'apt-get install skopeo') ??
  missingPeer('docker-registry (distribution 2.8)', distributionBinary, 'apt-get install docker-registry');

function skopeo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(skopeoBinary!, ['--insecure-policy', ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function layoutManifest(dir: string, digest: string): Buffer {
  return readFileSync(join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)));
}

describe('skopeo interop', { skip }, () => {
  let server: RunningServer;
  let layout: OciLayout;
  let creds: string[];
  let host: string;
  before(async () => {
    server = await startServer();
    host = server.url.replace('http://', '');
    layout = buildOciLayout('interop');
    creds = ['--creds', `anyone:${server.adminToken}`, '--tls-verify=false'];
  });
  after(async () => {
    await server?.stop();
  });

  it('copies a multi-arch OCI index in and back out with every manifest byte-identical', async () => {
    const pushed = await skopeo([
      'copy',
      '--all',
      '--dest-tls-verify=false',
      '--dest-creds',
      `x:${server.adminToken}`,
      `oci:${layout.dir}:multi`,
      `docker://${host}/default/multi:latest`,
    ]);
    assert.equal(pushed.code, 0, pushed.stderr);
    const raw = await skopeo(['inspect', '--raw', ...creds, `docker://${host}/default/multi:latest`]);
    assert.ok(Buffer.from(raw.stdout).equals(layout.refs.multi.bytes), 'the index is served byte for byte');
    const out = makeTempDir('ims-oci-out');
    const pulled = await skopeo([
      'copy',
      '--all',
      '--src-tls-verify=false',
      '--src-creds',
      `x:${server.adminToken}`,
      `docker://${host}/default/multi:latest`,
      `oci:${out}:multi`,
    ]);
    assert.equal(pulled.code, 0, pulled.stderr);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    assert.equal(index.manifests[0].digest, layout.refs.multi.digest);
    const children = (JSON.parse(layout.refs.multi.bytes.toString()) as { manifests: { digest: string }[] }).manifests;
    assert.equal(children.length, 3);
    for (const child of children) assert.ok(layoutManifest(out, child.digest).equals(layoutManifest(layout.dir, child.digest)), child.digest);
    for (const child of children) {
      const manifest = JSON.parse(layoutManifest(layout.dir, child.digest).toString()) as { config: { digest: string }; layers: { digest: string }[] };
      for (const digest of [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) {
        assert.ok(layoutManifest(out, digest).equals(layoutManifest(layout.dir, digest)), `blob ${digest} came back changed`);
      }
    }
  });

  it('shows the image stream and Images the push created', async () => {
    const stream = (await (
      await fetch(`${server.url}/apis/image.openshift.io/v1/namespaces/default/imagestreams/multi`, {
        headers: { authorization: `Bearer ${server.adminToken}` },
      })
    ).json()) as { status: { tags: { tag: string; items: { image: string }[] }[] } };
    assert.equal(stream.status.tags[0].items[0].image, layout.refs.multi.digest);
    const image = (await (
      await fetch(`${server.url}/apis/image.openshift.io/v1/images/${layout.refs.multi.digest}`, { headers: { authorization: `Bearer ${server.adminToken}` } })
    ).json()) as { dockerImageManifests: { architecture: string; variant?: string }[] };
    assert.deepEqual(
      image.dockerImageManifests.map((m) => `${m.architecture}${m.variant ? `/${m.variant}` : ''}`),
      ['amd64', 'arm64/v8', 'ppc64le'],
    );
  });

  it('inspects a single-platform image and deletes it', async () => {
    assert.equal(
      (
        await skopeo([
          'copy',
          '--dest-tls-verify=false',
          '--dest-creds',
          `x:${server.adminToken}`,
          `oci:${layout.dir}:single`,
          `docker://${host}/default/single:v1`,
        ])
      ).code,
      0,
    );
    const inspected = await skopeo(['inspect', ...creds, `docker://${host}/default/single:v1`]);
    assert.equal(inspected.code, 0, inspected.stderr);
    const info = JSON.parse(inspected.stdout) as { Digest: string; Architecture: string; Os: string; Labels: Record<string, string>; Layers: string[] };
    assert.equal(info.Digest, layout.refs.single.digest);
    assert.equal(info.Architecture, 'amd64');
    assert.equal(info.Labels['io.example.name'], 'interop-single');
    assert.equal(info.Layers.length, 2);
    const deleted = await skopeo(['delete', ...creds, `docker://${host}/default/single:v1`]);
    assert.equal(deleted.code, 0, deleted.stderr);
    const gone = await skopeo(['inspect', '--raw', ...creds, `docker://${host}/default/single@${layout.refs.single.digest}`]);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /manifest unknown/i);
  });

  it('copies a Docker manifest list from the distribution registry through Imagestream and back, digests unchanged', async () => {
    const distribution = await startDistribution();
    try {
      const toDistribution = await skopeo([
        'copy',
        '--all',
        '--format',
        'v2s2',
        '--dest-tls-verify=false',
        `oci:${layout.dir}:multi`,
        `docker://${distribution.host}/multi/app-docker:latest`,
      ]);
      assert.equal(toDistribution.code, 0, toDistribution.stderr);
      const original = await skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${distribution.host}/multi/app-docker:latest`]);
      assert.match(original.stdout, /application\/vnd\.docker\.distribution\.manifest\.list\.v2\+json/);
      const through = await skopeo([
        'copy',
        '--all',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        '--dest-creds',
        `x:${server.adminToken}`,
        `docker://${distribution.host}/multi/app-docker:latest`,
        `docker://${host}/default/app-docker:latest`,
      ]);
      assert.equal(through.code, 0, through.stderr);
      const served = await skopeo(['inspect', '--raw', ...creds, `docker://${host}/default/app-docker:latest`]);
      assert.equal(served.stdout, original.stdout, 'the manifest list is byte-identical');
      const back = await skopeo([
        'copy',
        '--all',
        '--src-tls-verify=false',
        '--src-creds',
        `x:${server.adminToken}`,
        '--dest-tls-verify=false',
        `docker://${host}/default/app-docker:latest`,
        `docker://${distribution.host}/multi/round-trip:latest`,
      ]);
      assert.equal(back.code, 0, back.stderr);
      const roundTrip = await skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${distribution.host}/multi/round-trip:latest`]);
      assert.equal(roundTrip.stdout, original.stdout);
    } finally {
      await distribution.stop();
    }
  });

  it('pushes with the auth file `ims registry login --to` writes', async () => {
    const ims = cliSession();
    assert.equal((await ims.run(['login', server.url, '--token', server.adminToken])).code, 0);
    assert.equal((await ims.run(['registry', 'info'])).stdout, `${host}\n`);
    const authFile = join(makeTempDir('ims-auth'), 'auth.json');
    const login = await ims.run(['registry', 'login', '--to', authFile]);
    assert.equal(login.stdout, `Saved credentials for ${host} into ${authFile}\n`, login.stderr);
    const pushed = await skopeo([
      'copy',
      '--dest-tls-verify=false',
      '--authfile',
      authFile,
      `oci:${layout.dir}:single`,
      `docker://${host}/default/via-authfile:v1`,
    ]);
    assert.equal(pushed.code, 0, pushed.stderr);
  });

  it('refuses a push without credentials', async () => {
    const denied = await skopeo(['copy', '--dest-tls-verify=false', `oci:${layout.dir}:single`, `docker://${host}/default/anon:v1`]);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /authentication required|unauthorized/i);
  });
});
