// End to end, as the seed documents walk it: a scheduled tag tracking a real registry drives a
// Deployment through a trigger, image lookup resolves a short name, a Local tag is pulled through
// (and keeps working with the upstream down), and pruning keeps what is used.
import { deploymentYaml } from '../support/deployment-yaml.ts';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { buildOciLayout } from '../support/oci-images.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';
import { distributionBinary, startDistribution } from '../support/distribution-registry.ts';

const skopeoBinary = findExecutable('skopeo');
const skip =
  missingPeer('skopeo', skopeoBinary, 'apt-get install skopeo') ??
  missingPeer('docker-registry (distribution 2.8)', distributionBinary, 'apt-get install docker-registry');
const skopeo = (args: string[]) =>
  new Promise<{ code: number; stderr: string }>((resolve) =>
    execFile(skopeoBinary!, ['--insecure-policy', ...args], (error, _stdout, stderr) => resolve({ code: error ? 1 : 0, stderr })),
  );

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, seconds = 20): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('seed walk: tag, trigger, lookup, pull-through, prune', { skip }, () => {
  let upstream: { host: string; stop: () => Promise<void> } | undefined;
  let server: RunningServer;
  const ims = cliSession();
  const first = buildOciLayout('seed-first');
  const second = buildOciLayout('seed-second');
  before(async () => {
    upstream = await startDistribution();
    assert.equal(
      (await skopeo(['copy', '--format', 'v2s2', '--dest-tls-verify=false', `oci:${first.dir}:single`, `docker://${upstream.host}/library/python:3.5`])).code,
      0,
    );
    server = await startServer(['--import-interval', '1s']);
    await ims.run(['login', server.url, '--token', server.adminToken]);
  });
  after(async () => {
    await server?.stop();
    await upstream?.stop();
  });

  const istagImage = async (name: string) => {
    const result = await ims.run(['get', 'istag', name, '-o', 'jsonpath={.image.metadata.name}']);
    return result.code === 0 && result.stdout ? result.stdout : undefined;
  };
  const deploymentImage = async (name: string) => (await ims.run(['get', 'deploy', name, '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).stdout;
  const deployment = (name: string, image: string) => deploymentYaml(name, [{ name: 'web', image }]);

  it('walks the whole story', async () => {
    const tagged = await ims.run(['tag', '--source=docker', `${upstream!.host}/library/python:3.5`, 'python:prod', '--scheduled', '--insecure']);
    assert.equal(tagged.stdout, `Tag python:prod set to import ${upstream!.host}/library/python:3.5 periodically.\n`, tagged.stderr);
    const firstDigest = await waitFor('the first import', () => istagImage('python:prod'));

    assert.equal((await ims.run(['create', '-f', '-'], { stdin: deployment('app', 'placeholder') })).code, 0);
    assert.equal((await ims.run(['set', 'triggers', 'deploy/app', '--from-image=python:prod', '-c', 'web'])).code, 0);
    assert.equal(await deploymentImage('app'), `${upstream!.host}/library/python@${firstDigest}`, 'the trigger sets the digest at once');

    assert.equal(
      (await skopeo(['copy', '--format', 'v2s2', '--dest-tls-verify=false', `oci:${second.dir}:single`, `docker://${upstream!.host}/library/python:3.5`])).code,
      0,
    );
    const secondDigest = await waitFor('the scheduled import of the moved tag', async () => {
      const digest = await istagImage('python:prod');
      return digest && digest !== firstDigest ? digest : undefined;
    });
    await waitFor('the deployment to follow', async () => ((await deploymentImage('app')).endsWith(secondDigest) ? true : undefined));

    assert.equal((await ims.run(['set', 'image-lookup', 'python'])).code, 0);
    assert.equal((await ims.run(['create', '-f', '-'], { stdin: deployment('short', 'python:prod') })).code, 0);
    assert.equal(await deploymentImage('short'), `${upstream!.host}/library/python@${secondDigest}`);

    assert.equal(
      (await ims.run(['tag', '--source=docker', `${upstream!.host}/library/python:3.5`, 'python:local', '--reference-policy=local', '--insecure'])).code,
      0,
    );
    await waitFor('the local tag import', () => istagImage('python:local'));
    const host = server.url.replace('http://', '');
    const pull = async () =>
      skopeo([
        'copy',
        '--src-tls-verify=false',
        '--src-creds',
        `x:${server.adminToken}`,
        `docker://${host}/default/python:local`,
        `oci:${makeTempDir('ims-pulled')}:p`,
      ]);
    const through = await pull();
    assert.equal(through.code, 0, through.stderr);
    await upstream!.stop();
    upstream = undefined;
    const mirrored = await pull();
    assert.equal(mirrored.code, 0, `pull with the upstream down: ${mirrored.stderr}`);

    const pruned = await ims.run(['adm', 'prune', 'images', '--keep-tag-revisions=1', '--keep-younger-than=0s', '--confirm']);
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.equal((await ims.run(['get', 'image', secondDigest])).code, 0, 'the image the deployment uses stays');
    assert.equal((await ims.run(['get', 'image', firstDigest])).code, 1, 'the older one is gone');
  });
});
