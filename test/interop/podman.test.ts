// Real podman (vfs storage, no daemon) pulling from and pushing to a real `ims serve`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { buildOciLayout, type OciLayout } from '../support/oci-images.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';
import { cliSession } from '../support/run-cli.ts';

const podmanBinary = findExecutable('podman');
const skopeoBinary = findExecutable('skopeo');
const skip = missingPeer('podman', podmanBinary, 'apt-get install podman runc') ?? missingPeer('skopeo', skopeoBinary, 'apt-get install skopeo');

function exec(binary: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(binary, args, { maxBuffer: 16 * 1024 * 1024, timeout: 180_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('podman interop', { skip }, () => {
  let server: RunningServer;
  let layout: OciLayout;
  let podman: (args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;
  let host: string;
  let authFile: string;
  before(async () => {
    server = await startServer();
    host = server.url.replace('http://', '');
    layout = buildOciLayout('podman');
    const root = makeTempDir('ims-podman');
    const base = [
      '--root',
      join(root, 'root'),
      '--runroot',
      join(root, 'run'),
      '--storage-driver',
      'vfs',
      '--cgroup-manager',
      'cgroupfs',
      '--events-backend',
      'file',
      '--tmpdir',
      root,
      '--runtime',
      'runc',
    ];
    podman = (args) => exec(podmanBinary!, [...base, ...args]);
    const pushed = await exec(skopeoBinary!, [
      '--insecure-policy',
      'copy',
      '--dest-tls-verify=false',
      '--dest-creds',
      `x:${server.adminToken}`,
      `oci:${layout.dir}:single`,
      `docker://${host}/default/app:v1`,
    ]);
    assert.equal(pushed.code, 0, pushed.stderr);
    const ims = cliSession();
    await ims.run(['login', server.url, '--token', server.adminToken]);
    authFile = join(makeTempDir('ims-podman-auth'), 'auth.json');
    assert.equal((await ims.run(['registry', 'login', '--to', authFile])).code, 0);
  });
  after(async () => {
    await server?.stop();
  });

  it('pulls an image with the credentials `ims registry login` saved', async () => {
    const pulled = await podman(['pull', '--tls-verify=false', '--authfile', authFile, `${host}/default/app:v1`]);
    assert.equal(pulled.code, 0, pulled.stderr);
    const inspected = await podman(['image', 'inspect', '--format', '{{.Digest}} {{.Architecture}}', `${host}/default/app:v1`]);
    assert.equal(inspected.stdout.trim(), `${layout.refs.single.digest} amd64`);
  });

  it('pushes an image under a new stream and records it', async () => {
    assert.equal((await podman(['tag', `${host}/default/app:v1`, `${host}/default/from-podman:latest`])).code, 0);
    const pushed = await podman(['push', '--tls-verify=false', '--authfile', authFile, `${host}/default/from-podman:latest`]);
    assert.equal(pushed.code, 0, pushed.stderr);
    const stream = (await (
      await fetch(`${server.url}/apis/image.openshift.io/v1/namespaces/default/imagestreams/from-podman`, {
        headers: { authorization: `Bearer ${server.adminToken}` },
      })
    ).json()) as { status: { tags: { tag: string; items: { image: string }[] }[] } };
    assert.equal(stream.status.tags[0].tag, 'latest');
    assert.match(stream.status.tags[0].items[0].image, /^sha256:[0-9a-f]{64}$/);
  });

  it('is refused a pull without credentials', async () => {
    const denied = await podman(['pull', '--tls-verify=false', `${host}/default/app:v1`]);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /authentication required|unauthorized/i);
  });
});
