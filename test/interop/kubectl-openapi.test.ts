// Every installed kubectl (1.27–1.33) against a real `ims serve`, without --validate=false: 1.27 and
// 1.28 read the protobuf OpenAPI v2 document, newer ones the v3 documents, to learn that the server
// validates fields; and OpenShift 3's `apiVersion: v1` reaches the server, which names the group.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startServer, type RunningServer } from '../support/serve-process.ts';
import { pushOverHttp } from '../support/http-push.ts';
import { cliSession } from '../support/run-cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { makeSelfSignedCertificate } from '../support/tls.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';

const sdk = '/usr/lib/google-cloud-sdk/bin';
const versions = ['1.27', '1.28', '1.29', '1.30', '1.31', '1.32', '1.33'].map((version) => ({ version, binary: findExecutable(`${sdk}/kubectl.${version}`) }));
const skip =
  missingPeer('kubectl 1.27 to 1.33', versions.every((v) => v.binary) ? sdk : undefined, 'the Google Cloud SDK kubectl builds') ??
  missingPeer('openssl', findExecutable('openssl'), 'apt-get install openssl');

const stream = (apiVersion: string, name: string, spec: string) => `apiVersion: ${apiVersion}
kind: ImageStream
metadata:
  name: ${name}
spec:
${spec}`;
const tags = (local: boolean) => `  lookupPolicy: {local: ${local}}
  tags:
  - name: upstream
    reference: true
    from: {kind: DockerImage, name: quay.io/org/tools:1.0}
`;
const legacyMessage =
  'ImageStream is served as image.openshift.io/v1, not v1 (OpenShift 3\'s legacy API): change "apiVersion: v1" to "apiVersion: image.openshift.io/v1"';

describe('kubectl 1.27–1.33 create, apply and validate image kinds against ims serve', { skip }, () => {
  let server: RunningServer;
  let dir: string;
  let kubeconfig: string;
  let ims: ReturnType<typeof cliSession>;
  before(async () => {
    // kubectl over TLS; the test pushes its image over the plain listener.
    const tls = makeSelfSignedCertificate();
    const tlsPort = await freePort();
    server = await startServer(['--listen-tls', `127.0.0.1:${tlsPort}`, '--tls-cert', tls.cert, '--tls-key', tls.key]);
    const tlsUrl = `https://127.0.0.1:${tlsPort}`;
    dir = makeTempDir('ims-kubectl-openapi');
    kubeconfig = writeKubeconfig(tlsUrl, server.adminToken, tls.cert, { namespace: 'default' });
    ims = cliSession();
    assert.equal((await ims.run(['login', tlsUrl, '--token', server.adminToken, '--certificate-authority', tls.cert])).code, 0);
    for (const { version } of versions) {
      const created = await ims.run(['new-project', `kubectl-${version.replace('.', '-')}`]);
      assert.equal(created.code, 0, created.stderr);
      await pushOverHttp(server.url, server.adminToken, `kubectl-${version.replace('.', '-')}/ruby`, '2.7', `ruby-${version}`);
    }
  });
  after(async () => {
    await server?.stop();
  });

  const kubectl = (binary: string, version: string, args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const namespace = `kubectl-${version.replace('.', '-')}`;
      // A fresh cache directory, so no kubectl reuses what another version discovered.
      const cache = join(dir, `cache-${version}`);
      execFile(
        binary,
        ['--kubeconfig', kubeconfig, '--cache-dir', cache, '-n', namespace, ...args],
        { env: { ...process.env, KUBECONFIG: '' } },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('leaves ims resolving the real kinds beside the stand-ins, and mapping the legacy v1 itself', async () => {
    assert.equal((await ims.run(['new-project', 'ims-cli'])).code, 0);
    const path = file('ims-legacy.yaml', stream('v1', 'mapped', tags(true)));
    const created = await ims.run(['create', '-f', path, '-n', 'ims-cli']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, 'imagestream.image.openshift.io/mapped created\n');
    const listed = await ims.run(['get', 'imagestream', 'mapped', '-n', 'ims-cli']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^NAME\s+IMAGE REPOSITORY/);
    const images = await ims.run(['get', 'image']);
    assert.equal(images.code, 0, images.stderr);
    assert.match((await ims.run(['explain', 'imagestream'])).stdout, /^GROUP:\s+image\.openshift\.io\n/);
    const resources = await ims.run(['api-resources']);
    assert.match(resources.stdout, /\nimagestreams\s+is\s+image\.openshift\.io\/v1\s+true\s+ImageStream\n/);
    assert.doesNotMatch(resources.stdout, /legacy/);
  });

  for (const { version, binary } of versions) {
    const run = (args: string[]) => kubectl(binary!, version, args);
    const label = version.replace('.', '');

    it(`creates and applies an image.openshift.io/v1 ImageStream with validation on (${version})`, async () => {
      const created = await run(['create', '-f', file(`tools-${label}.yaml`, stream('image.openshift.io/v1', 'tools', tags(true)))]);
      assert.equal(created.code, 0, created.stderr);
      assert.equal(created.stdout, 'imagestream.image.openshift.io/tools created\n');
      const applied = await run(['apply', '-f', file(`web-${label}.yaml`, stream('image.openshift.io/v1', 'web', tags(true)))]);
      assert.equal(applied.code, 0, applied.stderr);
      assert.equal(applied.stdout, 'imagestream.image.openshift.io/web created\n');
      assert.equal(applied.stderr, '');
      const again = await run(['apply', '-f', file(`web-${label}.yaml`, stream('image.openshift.io/v1', 'web', tags(false)))]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout, 'imagestream.image.openshift.io/web configured\n');
      assert.equal((await run(['get', 'is', 'web', '-o', 'jsonpath={.spec.lookupPolicy.local}'])).stdout, 'false');
      const listed = await run(['get', 'imagestreams']);
      assert.match(listed.stdout, /^NAME\s+IMAGE REPOSITORY\s+TAGS\s+UPDATED\nruby\s+.*2\.7.*\ntools\s+.*upstream.*\nweb\s+/);
    });

    it(`validates, on its side, the List that get -o yaml writes of every image kind (${version})`, async () => {
      const got = await run(['get', 'is,istag', '-o', 'yaml']);
      assert.equal(got.code, 0, got.stderr);
      assert.match(got.stdout, /^apiVersion: v1\nitems:\n/);
      assert.match(got.stdout, /kind: ImageStreamTag\n/);
      const validated = await run(['create', '--dry-run=client', '-f', file(`list-${label}.yaml`, got.stdout)]);
      assert.equal(validated.code, 0, validated.stderr);
      assert.match(validated.stdout, /imagestreamtag.image.openshift.io\/ruby:2\.7 created \(dry run\)/);
      const typo = await run(['create', '--dry-run=client', '-f', file(`list-typo-${label}.yaml`, got.stdout.replace('lookupPolicy:', 'lookupPolicyy:'))]);
      assert.equal(typo.code, 1, typo.stdout);
      assert.match(typo.stderr, /unknown field "lookupPolicyy"/);
    });

    it(`refuses an unknown field with the server's strict decoding error, and stores nothing (${version})`, async () => {
      const path = file(`typo-${label}.yaml`, stream('image.openshift.io/v1', 'typo', `  tagz: []\n${tags(true)}`));
      for (const flags of [[], ['--validate=strict']]) {
        const refused = await run(['create', ...flags, '-f', path]);
        assert.equal(refused.code, 1, refused.stdout);
        assert.match(
          refused.stderr,
          /^Error from server \(BadRequest\): error when creating ".*typo-\d+\.yaml": (.*: )?strict decoding error: unknown field "spec\.tagz"\n$/,
        );
      }
      const gone = await run(['get', 'is', 'typo']);
      assert.match(gone.stderr, /imagestreams.image.openshift.io "typo" not found/);
    });

    it(`answers OpenShift 3's apiVersion: v1 with the group to write, on create and apply (${version})`, async () => {
      const path = file(`legacy-${label}.yaml`, stream('v1', 'legacy', tags(true)));
      for (const verb of ['create', 'apply']) {
        const refused = await run([verb, '-f', path]);
        assert.equal(refused.code, 1, refused.stdout);
        assert.ok(refused.stderr.includes(legacyMessage), refused.stderr);
        assert.doesNotMatch(refused.stderr, /failed to download openapi|no matches for kind/);
      }
      const others = [
        ['ImageStreamTag', 'image.openshift.io'],
        ['ImageStreamImport', 'image.openshift.io'],
        ['ImageStreamMapping', 'image.openshift.io'],
        ['Image', 'image.openshift.io'],
        ['Project', 'project.openshift.io'],
      ];
      const documents = others.map(([kind]) => `apiVersion: v1\nkind: ${kind}\nmetadata: {name: "legacy:1"}\n`).join('---\n');
      const each = await run(['create', '-f', file(`others-${label}.yaml`, documents)]);
      assert.equal(each.code, 1, each.stdout);
      for (const [kind, group] of others) assert.ok(each.stderr.includes(`${kind} is served as ${group}/v1, not v1`), `${kind}: ${each.stderr}`);
      assert.match((await run(['get', 'is', 'legacy'])).stderr, /imagestreams.image.openshift.io "legacy" not found/);
    });

    it(`explains the image kinds and lists them in api-resources, without the legacy stand-ins (${version})`, async () => {
      const explained = await run(['explain', 'is.spec.tags']);
      assert.equal(explained.code, 0, explained.stderr);
      assert.match(explained.stdout, /GROUP:\s+image\.openshift\.io/);
      assert.match(explained.stdout, /The tags of the stream: each maps a name to a source of images\./);
      // The same from the OpenAPI v2 document, which kubectl decodes from protobuf.
      const fromV2 = await run(['explain', 'is.spec.tags', '--output', 'plaintext-openapiv2']);
      assert.equal(fromV2.code, 0, fromV2.stderr);
      assert.match(fromV2.stdout, /^KIND:\s+ImageStream\nVERSION:\s+image\.openshift\.io\/v1\n\nRESOURCE: tags <\[\]Object>/);
      assert.match(fromV2.stdout, /importPolicy\t<Object>\n\s+Controls how images for this tag may be imported by the server\./);
      const resources = await run(['api-resources']);
      assert.equal(resources.code, 0, resources.stderr);
      assert.match(resources.stdout, /\nimagestreams\s+is\s+image\.openshift\.io\/v1\s+true\s+ImageStream\n/);
      assert.doesNotMatch(resources.stdout, /legacy/);
    });

    it(`explains the fields of every image kind with what OpenShift's documentation says they mean (${version})`, async () => {
      const explain = async (field: string) => {
        const answer = await run(['explain', field]);
        assert.equal(answer.code, 0, `${field}: ${answer.stderr}`);
        // kubectl wraps descriptions at 80 columns: compare words, not lines.
        return answer.stdout.replace(/\s+/g, ' ');
      };
      assert.match(await explain('is'), /KIND: ImageStream .*An image stream maps tags to images/);
      assert.match(await explain('is.spec.lookupPolicy.local'), /short image references in this namespace \(like "mysql" or "php:latest"\)/);
      assert.match(await explain('is.spec.tags.referencePolicy.type'), /Local gives this server's integrated registry, which proxies the pull/);
      assert.match(await explain('istag.generation'), /an import was asked for and has not completed/);
      assert.match(await explain('isimage'), /"<stream>@<digest>"/);
      const images = await explain('isimport.spec.images');
      assert.match(images, /FIELD: images <\[\]Object> .*The individual images to import\./);
      assert.match(images, /from <Object> -required- The source of the image to import; only kind DockerImage is allowed/);
      assert.match(await explain('isimport.status.repository.additionalTags'), /not imported because of the limit/);
      assert.match(await explain('imagestreammapping'), /privileged integrators/);
      assert.match(await explain('image.dockerImageManifests'), /For a manifest list, its sub-manifests/);
    });

    it(`answers a file of a kind the server does not serve with kubectl's "no matches for kind" (${version})`, async () => {
      const path = file(`configmap-${label}.yaml`, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {color: blue}\n');
      const refused = await run(['create', '-f', path]);
      assert.equal(refused.code, 1, refused.stdout);
      assert.match(refused.stderr, /no matches for kind "ConfigMap" in version "v1"/);
      assert.doesNotMatch(refused.stderr, /failed to check CRD/);
      assert.equal((await run(['get', 'crd'])).stderr, 'No resources found\n');
    });
  }

  it('needs a grant to list CRDs, as in OpenShift: a service account is refused, by name (1.33)', async () => {
    const binary = versions.find((v) => v.version === '1.33')!.binary!;
    const token = await ims.run(['create', 'token', 'default', '-n', 'kubectl-1-33']);
    assert.equal(token.code, 0, token.stderr);
    const config = file('sa.kubeconfig', readFileSync(kubeconfig, 'utf8').replace(server.adminToken, token.stdout.trim()));
    const path = file('configmap-sa.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n');
    const refused = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(
        binary,
        ['--kubeconfig', config, '--cache-dir', join(dir, 'cache-sa'), 'create', '-f', path],
        { env: { ...process.env, KUBECONFIG: '' } },
        (error, _out, stderr) => resolve({ code: error ? 1 : 0, stderr }),
      ),
    );
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /failed to list CRDs: customresourcedefinitions\.apiextensions\.k8s\.io is forbidden: User "system:serviceaccount:kubectl-1-33:default" cannot list resource "customresourcedefinitions"/,
    );
  });
});
