// Import from real distribution registries (one with htpasswd auth and a self-signed TLS
// certificate, one plain HTTP), driven with the ims CLI, checked against skopeo.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { buildOciLayout, type OciLayout } from '../support/oci-images.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { makeSelfSignedCertificate } from '../support/tls.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';
import { distributionBinary, startDistribution } from '../support/distribution-registry.ts';

const skopeoBinary = findExecutable('skopeo');
const skip =
  missingPeer('skopeo', skopeoBinary, 'apt-get install skopeo') ??
  missingPeer('docker-registry (distribution 2.8)', distributionBinary, 'apt-get install docker-registry') ??
  missingPeer('openssl', findExecutable('openssl'), 'apt-get install openssl');

function skopeo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(skopeoBinary!, ['--insecure-policy', ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

const sha256Of = async (text: string) => `sha256:${(await import('node:crypto')).createHash('sha256').update(text).digest('hex')}`;

describe('import from real registries', { skip }, () => {
  let plain: { host: string; stop: () => Promise<void> };
  let secure: { host: string; stop: () => Promise<void> };
  let certDir: string;
  let server: RunningServer;
  let layout: OciLayout;
  let layout2: OciLayout;
  const ims = cliSession();
  const secureCreds = ['--dest-creds', 'robot:r0b0t-pass'];

  before(async () => {
    const tls = makeSelfSignedCertificate();
    certDir = makeTempDir('ims-certdir');
    copyFileSync(tls.cert, join(certDir, 'ca.crt'));
    plain = await startDistribution();
    secure = await startDistribution({ htpasswd: { user: 'robot', password: 'r0b0t-pass' }, tls });
    layout = buildOciLayout('import');
    layout2 = buildOciLayout('import-next');
    const pushes: [string, string[], string][] = [
      [`oci:${layout.dir}:single`, ['--format', 'v2s2', '--dest-tls-verify=false'], `${plain.host}/library/ruby:2.7`],
      [`oci:${layout.dir}:multi`, ['--all', '--dest-tls-verify=false'], `${plain.host}/multi/app:latest`],
      [`oci:${layout.dir}:multi`, ['--all', '--format', 'v2s2', '--dest-tls-verify=false'], `${plain.host}/multi/app-docker:latest`],
      [`oci:${layout.dir}:single`, ['--format', 'v2s2', '--dest-cert-dir', certDir, ...secureCreds], `${secure.host}/private/ruby:2.7`],
      [`oci:${layout.dir}:single`, ['--dest-tls-verify=false'], `${plain.host}/bulk/app:1.0`],
      [`oci:${layout2.dir}:single`, ['--dest-tls-verify=false'], `${plain.host}/bulk/app:latest`],
      [`oci:${layout.dir}:single`, ['--dest-tls-verify=false'], `${plain.host}/moving/app:v1`],
    ];
    for (const [source, options, destination] of pushes) {
      const pushed = await skopeo(['copy', ...options, source, `docker://${destination}`]);
      assert.equal(pushed.code, 0, `${destination}: ${pushed.stderr}`);
    }
    server = await startServer(['--extra-ca', tls.cert]);
    assert.equal((await ims.run(['login', server.url, '--token', server.adminToken])).code, 0);
  });
  after(async () => {
    await server?.stop();
    await plain?.stop();
    await secure?.stop();
  });

  const raw = async (reference: string, extra: string[] = ['--tls-verify=false']) => {
    const inspected = await skopeo(['inspect', '--raw', ...extra, `docker://${reference}`]);
    assert.equal(inspected.code, 0, inspected.stderr);
    return inspected.stdout;
  };

  it('imports a private image over verified TLS with a docker-registry secret, digests as skopeo sees them', async () => {
    const project = cliSession();
    await project.run(['login', server.url, '--token', server.adminToken]);
    await project.run(['new-project', 'private-import']);
    const refused = await project.run(['import-image', 'ruby:2.7', `--from=${secure.host}/private/ruby:2.7`, '--confirm']);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /^imagestream\.image\.openshift\.io\/ruby imported with errors\n/);
    assert.match(refused.stderr, /error: tag 2\.7 failed: you may not have access to the container image .* and did not have credentials to the repository/);
    assert.equal(
      (
        await project.run([
          'create',
          'secret',
          'docker-registry',
          'upstream',
          '--docker-server',
          secure.host,
          '--docker-username',
          'robot',
          '--docker-password',
          'r0b0t-pass',
        ])
      ).code,
      0,
    );
    const imported = await project.run(['import-image', 'ruby:2.7']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /^imagestream\.image\.openshift\.io\/ruby imported\n/);
    const expected = await sha256Of(await raw(`${secure.host}/private/ruby:2.7`, ['--cert-dir', certDir, '--creds', 'robot:r0b0t-pass']));
    assert.equal((await project.run(['get', 'istag', 'ruby:2.7', '-o', 'jsonpath={.image.metadata.name}'])).stdout, expected);
    const stream = JSON.parse((await project.run(['get', 'is', 'ruby', '-o', 'json'])).stdout) as { metadata: { annotations: Record<string, string> } };
    assert.equal(stream.metadata.annotations['imagestream.io/import-secrets'], 'upstream');
  });

  it('refuses a plain HTTP registry without --insecure and imports with it', async () => {
    const refused = await ims.run(['import-image', 'plain:2.7', `--from=${plain.host}/library/ruby:2.7`, '--confirm']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /is HTTP only and requires the insecure flag to import/);
    const imported = await ims.run(['import-image', 'plain2:2.7', `--from=${plain.host}/library/ruby:2.7`, '--confirm', '--insecure']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(
      (await ims.run(['get', 'istag', 'plain2:2.7', '-o', 'jsonpath={.image.metadata.name}'])).stdout,
      await sha256Of(await raw(`${plain.host}/library/ruby:2.7`)),
    );
  });

  for (const repository of ['multi/app', 'multi/app-docker']) {
    it(`imports ${repository} whole with PreserveOriginal and one platform with Legacy`, async () => {
      const listBytes = await raw(`${plain.host}/${repository}:latest`);
      const list = JSON.parse(listBytes) as { manifests: { digest: string; platform: { architecture: string } }[] };
      const name = repository.replace('/', '-');
      const whole = await ims.run([
        'import-image',
        `${name}-whole:latest`,
        `--from=${plain.host}/${repository}:latest`,
        '--confirm',
        '--insecure',
        '--import-mode=PreserveOriginal',
      ]);
      assert.equal(whole.code, 0, whole.stderr);
      assert.match(whole.stdout, /Manifests:\tlinux\/amd64\tsha256:/);
      assert.equal((await ims.run(['get', 'istag', `${name}-whole:latest`, '-o', 'jsonpath={.image.metadata.name}'])).stdout, await sha256Of(listBytes));
      const legacy = await ims.run(['import-image', `${name}-one:latest`, `--from=${plain.host}/${repository}:latest`, '--confirm', '--insecure']);
      assert.equal(legacy.code, 0, legacy.stderr);
      const amd64 = list.manifests.find((m) => m.platform.architecture === 'amd64')!.digest;
      assert.equal((await ims.run(['get', 'istag', `${name}-one:latest`, '-o', 'jsonpath={.image.metadata.name}'])).stdout, amd64);
    });
  }

  it('imports the platform a tag prefers', async () => {
    const list = JSON.parse(await raw(`${plain.host}/multi/app:latest`)) as { manifests: { digest: string; platform: { architecture: string } }[] };
    const body = JSON.stringify({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'prefers' },
      spec: {
        tags: [
          {
            name: 'latest',
            annotations: { 'importer.image.openshift.io/prefer-arch': 'ppc64le' },
            from: { kind: 'DockerImage', name: `${plain.host}/multi/app:latest` },
            importPolicy: { insecure: true },
          },
        ],
      },
    });
    assert.equal((await ims.run(['create', '-f', '-'], { stdin: body })).code, 0);
    const imported = await ims.run(['import-image', 'prefers:latest']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(
      (await ims.run(['get', 'istag', 'prefers:latest', '-o', 'jsonpath={.image.metadata.name}'])).stdout,
      list.manifests.find((m) => m.platform.architecture === 'ppc64le')!.digest,
    );
  });

  it('imports every tag of a repository with --all', async () => {
    const all = await ims.run(['import-image', 'bulk', `--from=${plain.host}/bulk/app`, '--all', '--confirm', '--insecure']);
    assert.equal(all.code, 0, all.stderr);
    const tags = (await ims.run(['get', 'istag', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}'])).stdout
      .split('\n')
      .filter((t) => t.startsWith('bulk:'));
    assert.deepEqual(tags.sort(), ['bulk:1.0', 'bulk:latest']);
  });

  it('keeps a permanent tag on the old image while an alias follows the re-imported source', async () => {
    assert.equal((await ims.run(['import-image', 'moving:v1', `--from=${plain.host}/moving/app:v1`, '--confirm', '--insecure'])).code, 0);
    const first = (await ims.run(['get', 'istag', 'moving:v1', '-o', 'jsonpath={.image.metadata.name}'])).stdout;
    assert.equal((await ims.run(['tag', 'moving:v1', 'moving:pinned'])).code, 0);
    assert.equal((await ims.run(['tag', '--alias', 'moving:v1', 'moving:follow'])).code, 0);
    const moved = await skopeo(['copy', '--dest-tls-verify=false', `oci:${layout2.dir}:single`, `docker://${plain.host}/moving/app:v1`]);
    assert.equal(moved.code, 0, moved.stderr);
    assert.equal((await ims.run(['import-image', 'moving:v1'])).code, 0);
    const second = (await ims.run(['get', 'istag', 'moving:v1', '-o', 'jsonpath={.image.metadata.name}'])).stdout;
    assert.notEqual(second, first);
    assert.equal(second, await sha256Of(await raw(`${plain.host}/moving/app:v1`)));
    assert.equal((await ims.run(['get', 'istag', 'moving:pinned', '-o', 'jsonpath={.image.metadata.name}'])).stdout, first);
    assert.equal((await ims.run(['get', 'istag', 'moving:follow', '-o', 'jsonpath={.image.metadata.name}'])).stdout, second);
  });
});
