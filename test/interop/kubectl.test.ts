// Real kubectl (1.33, and 1.28 or 1.27) against a real `ims serve` over TLS: kubectl sends bearer
// tokens only over TLS. kubectl-openapi.test.ts runs every version on the image kinds.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { makeSelfSignedCertificate } from '../support/tls.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';

const sdk = '/usr/lib/google-cloud-sdk/bin';
const kubectl133 = findExecutable(`${sdk}/kubectl.1.33`);
const kubectlOld = findExecutable(`${sdk}/kubectl.1.28`) ?? findExecutable(`${sdk}/kubectl.1.27`);
const openssl = findExecutable('openssl');
const skip =
  missingPeer('kubectl 1.33 and 1.27/1.28', kubectl133 && kubectlOld, 'the Google Cloud SDK kubectl builds') ??
  missingPeer('openssl', openssl, 'apt-get install openssl');

const manifests = (image: string) => `apiVersion: v1
kind: Secret
metadata:
  name: app-config
stringData:
  mode: ${image.includes('1.27') ? 'new' : 'old'}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: ${image}
        env: [{name: A, value: "1"}]
`;

describe('kubectl interop', { skip }, () => {
  let server: RunningServer;
  let kubeconfig: string;
  let manifestDir: string;
  before(async () => {
    const tls = makeSelfSignedCertificate();
    server = await startServer([], { tls });
    const dir = makeTempDir('ims-kubectl');
    manifestDir = dir;
    kubeconfig = writeKubeconfig(server.url, server.adminToken, tls.cert, { namespace: 'default' });
    const ims = cliSession();
    const steps = [
      ['login', server.url, '--token', server.adminToken, '--certificate-authority', tls.cert],
      ['new-project', 'tour'],
      ['create', 'secret', 'docker-registry', 'pull-creds', '--docker-server', 'quay.io', '--docker-username', 'u', '--docker-password', 'p'],
      ['secrets', 'link', 'default', 'pull-creds', '--for=pull'],
    ];
    for (const step of steps) {
      const result = await ims.run(step);
      assert.equal(result.code, 0, `ims ${step.join(' ')}: ${result.stderr}`);
    }
  });
  after(async () => {
    await server?.stop();
  });

  const kubectl = (binary: string, args: string[], input?: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(binary, ['--kubeconfig', kubeconfig, ...args], { env: { ...process.env, KUBECONFIG: '' } }, (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
      child.stdin?.end(input ?? '');
    });

  it('lists the secret a user made with ims and linked to a service account (1.33)', async () => {
    const secrets = await kubectl(kubectl133!, ['get', 'secrets', '-n', 'tour']);
    assert.equal(secrets.code, 0, secrets.stderr);
    assert.match(secrets.stdout, /pull-creds\s+kubernetes\.io\/dockerconfigjson\s+1/);
    const sa = await kubectl(kubectl133!, ['get', 'sa', 'default', '-n', 'tour', '-o', 'jsonpath={.imagePullSecrets[0].name}']);
    assert.equal(sa.stdout, 'pull-creds');
    const namespaces = await kubectl(kubectl133!, ['get', 'ns']);
    assert.match(namespaces.stdout, /^NAME\s+STATUS\s+AGE\n/);
    assert.match(namespaces.stdout, /\ntour\s+Active/);
  });

  it('explains the fields of the image kinds (1.33)', async () => {
    const tags = await kubectl(kubectl133!, ['explain', 'is.spec.tags']);
    assert.equal(tags.code, 0, tags.stderr);
    assert.match(tags.stdout, /FIELD: tags <\[\]Object>/);
    assert.match(tags.stdout, /importPolicy\t<Object>\n\s+Controls how images for this tag may be imported by the server\./);
    const mode = await kubectl(kubectl133!, ['explain', 'imagestreams.spec.tags.importPolicy.importMode']);
    assert.match(mode.stdout, /PreserveOriginal imports\s+the list and every image in it\./);
    const layers = await kubectl(kubectl133!, ['explain', 'istag.image.dockerImageLayers']);
    assert.match(layers.stdout, /The layers of the image, base layer first\./);
  });

  it('runs the imperative commands that send protobuf (1.33)', async () => {
    assert.equal((await kubectl(kubectl133!, ['create', 'namespace', 'imperative'])).stdout, 'namespace/imperative created\n');
    const secret = await kubectl(kubectl133!, [
      '-n',
      'imperative',
      'create',
      'secret',
      'docker-registry',
      'reg',
      '--docker-server=quay.io',
      '--docker-username=u',
      '--docker-password=p',
    ]);
    assert.equal(secret.stdout, 'secret/reg created\n', secret.stderr);
    assert.equal((await kubectl(kubectl133!, ['-n', 'imperative', 'get', 'secret', 'reg', '-o', 'jsonpath={.type}'])).stdout, 'kubernetes.io/dockerconfigjson');
    const token = await kubectl(kubectl133!, ['-n', 'imperative', 'create', 'token', 'default', '--duration=15m']);
    assert.match(token.stdout, /^sha256~[\w-]{43}\n?$/, token.stderr);
    const deployment = await kubectl(kubectl133!, [
      '-n',
      'imperative',
      'create',
      'deployment',
      'web',
      '--image=quay.io/org/web:1.0',
      '--replicas=2',
      '--port=8080',
    ]);
    assert.equal(deployment.stdout, 'deployment.apps/web created\n', deployment.stderr);
    const stored = JSON.parse((await kubectl(kubectl133!, ['-n', 'imperative', 'get', 'deployment', 'web', '-o', 'json'])).stdout);
    assert.equal(stored.spec.replicas, 2);
    assert.deepEqual(stored.spec.selector, { matchLabels: { app: 'web' } });
    assert.equal(stored.spec.template.spec.containers[0].image, 'quay.io/org/web:1.0');
    assert.equal(stored.spec.template.spec.containers[0].ports[0].containerPort, 8080);
    const job = await kubectl(kubectl133!, ['-n', 'imperative', 'create', 'job', 'once', '--image=busybox', '--', 'echo', 'hi']);
    assert.equal(job.stdout, 'job.batch/once created\n', job.stderr);
    const binding = await kubectl(kubectl133!, [
      '-n',
      'imperative',
      'create',
      'rolebinding',
      'pullers',
      '--clusterrole=system:image-puller',
      '--group=system:serviceaccounts:other',
    ]);
    assert.equal(binding.stdout, 'rolebinding.rbac.authorization.k8s.io/pullers created\n', binding.stderr);
    const subjects = (
      await kubectl(kubectl133!, [
        '-n',
        'imperative',
        'get',
        'rolebinding',
        'pullers',
        '-o',
        'jsonpath={.subjects[0].kind}/{.subjects[0].name} {.roleRef.name}',
      ])
    ).stdout;
    assert.equal(subjects, 'Group/system:serviceaccounts:other system:image-puller');
  });

  it('applies an image stream definition and shows its tags (1.33)', async () => {
    const file = join(manifestDir, 'is.yaml');
    writeFileSync(
      file,
      `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: tools
  annotations: {description: "tools we use"}
spec:
  lookupPolicy: {local: true}
  tags:
  - name: upstream
    reference: true
    from: {kind: DockerImage, name: quay.io/org/tools:1.0}
  - name: stable
    from: {kind: ImageStreamTag, name: upstream}
`,
    );
    const applied = await kubectl(kubectl133!, ['apply', '-f', file]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /imagestream.image.openshift.io\/tools created/);
    const streams = await kubectl(kubectl133!, ['get', 'is']);
    assert.match(streams.stdout, /^NAME\s+IMAGE REPOSITORY\s+TAGS\s+UPDATED\n/);
    const status = await kubectl(kubectl133!, ['get', 'is', 'tools', '-o', 'jsonpath={.status.tags[*].items[0].dockerImageReference}']);
    assert.equal(status.stdout, 'quay.io/org/tools:1.0 quay.io/org/tools:1.0', 'the reference tag and its alias resolve at once');
    writeFileSync(file, (await import('node:fs')).readFileSync(file, 'utf8').replace('local: true', 'local: false'));
    const again = await kubectl(kubectl133!, ['apply', '-f', file]);
    assert.match(again.stdout, /imagestream.image.openshift.io\/tools configured/);
    assert.equal((await kubectl(kubectl133!, ['get', 'is', 'tools', '-o', 'jsonpath={.spec.lookupPolicy.local}'])).stdout, 'false');
  });

  for (const [label, binary] of [
    ['1.33', () => kubectl133!],
    ['1.27/1.28', () => kubectlOld!],
  ] as const) {
    it(`applies, reads as YAML, re-applies and deletes a Secret and a Deployment (${label})`, async () => {
      const file = join(manifestDir, `app-${label.replace('/', '-')}.yaml`);
      writeFileSync(file, manifests('nginx:1.25'));
      const applied = await kubectl(binary(), ['apply', '-f', file]);
      assert.equal(applied.code, 0, applied.stderr);
      assert.match(applied.stdout, /secret\/app-config created\ndeployment.apps\/web created/);
      assert.ok(!/warning/i.test(applied.stderr), applied.stderr);
      writeFileSync(file, manifests('nginx:1.27'));
      const again = await kubectl(binary(), ['apply', '-f', file]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /deployment.apps\/web configured/);
      const yaml = await kubectl(binary(), ['get', 'deploy', 'web', '-o', 'yaml']);
      assert.match(yaml.stdout, /image: nginx:1\.27/);
      assert.match(yaml.stdout, /generation: 2/);
      assert.match(yaml.stdout, /- name: A\n\s+value: "1"/);
      const deleted = await kubectl(binary(), ['delete', '-f', file]);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.match(deleted.stdout, /secret "app-config" deleted/);
      const gone = await kubectl(binary(), ['get', 'deploy', 'web']);
      assert.notEqual(gone.code, 0);
      assert.match(gone.stderr, /deployments.apps "web" not found/);
    });
  }
});
