// `ims describe is|istag` of what the OpenShift pages show, against a real server importing from a
// registry of its own: the per-tag notes of the documented ruby stream and a manifest list's image.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { inProcessCli } from '../support/in-process-cli.ts';
import { startFakeUpstream, putImage, putManifestList, type FakeUpstream } from '../support/fake-upstream.ts';
import { agoPattern } from '../support/worded-ago.ts';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('ims describe', () => {
  let server: RunningServer;
  let upstream: FakeUpstream;
  const ims = inProcessCli();
  before(async () => {
    upstream = await startFakeUpstream();
    server = await startServer();
    assert.equal((await ims.run(['login', server.url, '--token', server.adminToken])).code, 0);
  });
  after(async () => {
    await server.stop();
    await upstream.stop();
  });

  it("prints a spec tag's description, tags, supports and example repository under it, as oc does", async () => {
    const digest = putImage(upstream, 'openshift/ruby-20-centos7', 'latest', 'ruby-20');
    // The ruby stream of OpenShift's documentation, its image moved to the test's registry.
    const ruby = `apiVersion: v1
kind: ImageStream
metadata:
  name: ruby
spec:
  tags:
  - annotations:
      description: Build and run Ruby 2.0 applications
      iconClass: icon-ruby
      tags: builder,ruby
      supports: ruby:2.0,ruby
      version: "2.0"
      sampleRepo: https://github.com/openshift/ruby-hello-world.git
    from:
      kind: DockerImage
      name: ${upstream.host}/openshift/ruby-20-centos7:latest
    importPolicy:
      insecure: true
    name: "2.0"
`;
    const created = await ims.run(['create', '-f', '-'], { stdin: ruby });
    assert.equal(created.stdout, 'imagestream.image.openshift.io/ruby created\n', created.stderr);
    assert.equal((await ims.run(['import-image', 'ruby:2.0'])).code, 0);
    const described = (await ims.run(['describe', 'is/ruby'])).stdout;
    const host = escape(upstream.host);
    assert.match(
      described,
      new RegExp(
        `\\n2\\.0\\n  tagged from ${host}/openshift/ruby-20-centos7:latest\\n    will use insecure HTTPS or HTTP connections\\n\\n` +
          '  Build and run Ruby 2\\.0 applications\\n  Tags: builder, ruby\\n  Supports: ruby:2\\.0, ruby\\n' +
          '  Example Repo: https://github\\.com/openshift/ruby-hello-world\\.git\\n\\n' +
          `  \\* ${host}/openshift/ruby-20-centos7@${digest}\\n {6}${agoPattern}\\tcaused by [\\w-]+\\n$`,
      ),
      described,
    );
  });

  it('prints no notes for a tag without those annotations', async () => {
    putImage(upstream, 'org/plain', '1', 'plain');
    assert.equal((await ims.run(['import-image', 'plain:1', `--from=${upstream.host}/org/plain:1`, '--confirm', '--insecure'])).code, 0);
    const described = (await ims.run(['describe', 'is/plain'])).stdout;
    assert.match(described, /\n1\n  tagged from \S+\n    will use insecure HTTPS or HTTP connections\n\n  \* /, described);
  });

  it("prints a manifest list's image as oc does: no creation time, author or arch of its own, and its manifests", async () => {
    const { list, children } = putManifestList(upstream, 'org/multi', '1.0', 'multi');
    const imported = await ims.run([
      'import-image',
      'multi:1.0',
      `--from=${upstream.host}/org/multi:1.0`,
      '--import-mode=PreserveOriginal',
      '--confirm',
      '--insecure',
    ]);
    assert.equal(imported.code, 0, imported.stderr);
    const described = (await ims.run(['describe', 'istag/multi:1.0'])).stdout;
    assert.match(
      described,
      new RegExp(`^Image Name:\\t${list}\\nDocker Image:\\t${escape(upstream.host)}/org/multi@${list}\\nName:\\t\\t${list}\\n`),
      described,
    );
    assert.ok(
      described.endsWith(
        'Layer Size:\t0B\n' +
          // Go's zero time, as oc computes its age.
          'Image Created:\t292 years ago\n' +
          'Author:\t\t<none>\n' +
          'Arch:\t\t<none>\n' +
          `Manifests:\tlinux/amd64\t${children.amd64}\n` +
          `\t\tlinux/arm64\t${children.arm64}\n` +
          `\t\tlinux/ppc64le\t${children.ppc64le}\n` +
          'Command:\t<none>\n' +
          'Working Dir:\t<none>\n' +
          'User:\t\t<none>\n' +
          'Exposes Ports:\t<none>\n' +
          'Docker Labels:\t<none>\n',
      ),
      described,
    );
  });
});
