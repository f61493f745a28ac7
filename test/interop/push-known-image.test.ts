// A push of an image whose digest the server already knows (issue: it was imported from an upstream
// and pulled through this registry) records this registry's repository for the pushed tag, never
// the upstream that first brought the Image: image lookup and triggers send clients here.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { inProcessCli } from '../support/in-process-cli.ts';
import { buildOciLayout } from '../support/oci-images.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';
import { distributionBinary, startDistribution } from '../support/distribution-registry.ts';
import type { ImageStream } from '../../src/kube/kinds/image.ts';

const skopeoBinary = findExecutable('skopeo');
const skip =
  missingPeer('skopeo', skopeoBinary, 'apt-get install skopeo') ??
  missingPeer('docker-registry (distribution 2.8)', distributionBinary, 'apt-get install docker-registry');
const skopeo = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(skopeoBinary!, ['--insecure-policy', ...args], (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr })),
  );

describe('a push of an image the server already knows', { skip }, () => {
  let upstream: { host: string; stop: () => Promise<void> } | undefined;
  let server: RunningServer;
  const ims = inProcessCli();
  const run = async (...args: string[]) => {
    const result = await ims.run([...args, '-n', 'demo']);
    assert.equal(result.code, 0, `ims ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const stream = async (name: string): Promise<ImageStream> => JSON.parse(await run('get', 'is', name, '-o', 'json'));

  before(async () => {
    upstream = await startDistribution();
    const layout = buildOciLayout('ruby-2.0');
    const seeded = await skopeo([
      'copy',
      '--format',
      'v2s2',
      '--dest-tls-verify=false',
      `oci:${layout.dir}:single`,
      `docker://${upstream.host}/library/ruby:2.0`,
    ]);
    assert.equal(seeded.code, 0, seeded.stderr);
    server = await startServer();
    assert.equal((await ims.run(['login', server.url, '--token', server.adminToken])).code, 0);
    assert.equal((await ims.run(['new-project', 'demo'])).code, 0);
  });
  after(async () => {
    await server?.stop();
    await upstream?.stop();
  });

  it('records <registry-host>/demo/my-image2@<digest> for the pushed tag, not the upstream', async () => {
    await run('import-image', 'ruby:2.0', `--from=${upstream!.host}/library/ruby:2.0`, '--confirm', '--insecure');
    const imported = (await stream('ruby')).status!.tags!.find((t) => t.tag === '2.0')!.items![0];
    assert.equal(imported.dockerImageReference, `${upstream!.host}/library/ruby@${imported.image}`);

    // Pulled through this registry as it is (a dir: copy keeps the manifest's bytes, so its digest),
    // then pushed to another stream of the project.
    const host = server.url.replace('http://', '');
    const creds = `demo:${server.adminToken}`;
    const pulled = join(makeTempDir('ims-known-push'), 'ruby');
    const pull = await skopeo(['copy', '--src-tls-verify=false', '--src-creds', creds, `docker://${host}/demo/ruby:2.0`, `dir:${pulled}`]);
    assert.equal(pull.code, 0, pull.stderr);
    const push = await skopeo(['copy', '--dest-tls-verify=false', '--dest-creds', creds, `dir:${pulled}`, `docker://${host}/demo/my-image2:latest`]);
    assert.equal(push.code, 0, push.stderr);

    const pushed = await stream('my-image2');
    const latest = pushed.status!.tags!.find((t) => t.tag === 'latest')!.items![0];
    assert.equal(latest.image, imported.image, 'the pushed image is the one the server imported');
    assert.equal(pushed.status!.dockerImageRepository, `${host}/demo/my-image2`);
    assert.equal(latest.dockerImageReference, `${host}/demo/my-image2@${imported.image}`);
  });
});
