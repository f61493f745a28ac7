// Real kubectl 1.33 against a real `ims serve` over TLS, with fields of the wrong type and values
// that break a rule: what kubectl shows is what a Kubernetes API server makes it show, and the
// object stays as it was.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { makeSelfSignedCertificate } from '../support/tls.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';

const kubectlBinary = findExecutable('/usr/lib/google-cloud-sdk/bin/kubectl.1.33');
const skip =
  missingPeer('kubectl 1.33', kubectlBinary, 'the Google Cloud SDK kubectl builds') ??
  missingPeer('openssl', findExecutable('openssl'), 'apt-get install openssl');

const deployment = (replicas: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.25}]}
`;

describe('kubectl and fields of the wrong type', { skip }, () => {
  let server: RunningServer;
  let kubeconfig: string;
  before(async () => {
    const tls = makeSelfSignedCertificate();
    server = await startServer([], { tls });
    kubeconfig = writeKubeconfig(server.url, server.adminToken, tls.cert, { namespace: 'default' });
  });
  after(async () => {
    await server?.stop();
  });

  const kubectl = (args: string[], input?: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(kubectlBinary!, ['--kubeconfig', kubeconfig, ...args], { env: { ...process.env, KUBECONFIG: '' } }, (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
      if (input !== undefined) child.stdin!.end(input);
    });

  it("shows the API server's decoding error for a string replicas, and stores nothing", async () => {
    const applied = await kubectl(['apply', '-f', '-'], deployment('"many"'));
    assert.notEqual(applied.code, 0);
    assert.match(
      applied.stderr,
      /Error from server \(BadRequest\): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec\.spec\.replicas of type int32/,
    );
    assert.match((await kubectl(['get', 'deployment', 'web'])).stderr, /NotFound/);
  });

  it('refuses a patch to a negative or mistyped count, and keeps the Deployment as it was', async () => {
    const created = await kubectl(['apply', '-f', '-'], deployment('2'));
    assert.equal(created.code, 0, created.stderr);
    const negative = await kubectl(['patch', 'deployment', 'web', '-p', '{"spec":{"replicas":-1}}']);
    assert.notEqual(negative.code, 0);
    assert.match(negative.stderr, /The Deployment "web" is invalid: spec\.replicas: Invalid value: -1: must be greater than or equal to 0/);
    const mistyped = await kubectl([
      'patch',
      'deployment',
      'web',
      '--type',
      'merge',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":7}]}}}}',
    ]);
    assert.notEqual(mistyped.code, 0);
    assert.match(mistyped.stderr, /cannot unmarshal number 7 into Go struct field Container\.spec\.template\.spec\.containers\[0\]\.image of type string/);
    const shown = await kubectl(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}']);
    assert.equal(shown.stdout, '2 nginx:1.25');
  });
});
