// deploy/kubernetes/ cannot drift from the code: every manifest parses, the StatefulSet's arguments
// are flags `ims serve` accepts, its ports, probes and Service agree with them, the webhook template
// is what `ims adm cluster webhook-config` prints, and the RBAC grants what the cluster code calls, no more.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseServeFlags } from '../../src/server/config.ts';
import { clusterWorkloadKinds } from '../../src/cluster/cluster-kinds.ts';
import { webhookConfiguration, webhookName } from '../../src/cluster/webhook-configuration.ts';
import { admissionPath } from '../../src/cluster/admission-webhook.ts';
import { pullSecretName } from '../../src/cluster/pull-secrets.ts';

type Json = Record<string, any>;
const root = join(import.meta.dirname, '..', '..', 'deploy', 'kubernetes');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? yamlFiles(path) : name.endsWith('.yaml') ? [path] : [];
  });
}

const manifests: { file: string; object: Json }[] = yamlFiles(root).flatMap((file) =>
  parseAllDocuments(readFileSync(file, 'utf8')).map((document) => {
    assert.deepEqual(document.errors, [], `${relative(root, file)} parses`);
    return { file: relative(root, file), object: document.toJS() as Json };
  }),
);
const find = (kind: string, name?: string) =>
  manifests.filter((m) => m.object.kind === kind && (!name || m.object.metadata.name === name)).map((m) => m.object);
const one = (kind: string, name?: string) => {
  const found = find(kind, name);
  assert.equal(found.length, 1, `one ${kind}${name ? ` ${name}` : ''}`);
  return found[0];
};

describe('deploy/kubernetes', () => {
  const statefulSet = one('StatefulSet');
  const container = statefulSet.spec.template.spec.containers[0];
  const config = parseServeFlags(container.args.slice(1));
  const service = one('Service');
  const portNamed = (name: string) => container.ports.find((p: Json) => p.name === name);

  it('has manifests that each name an apiVersion, a kind and a name', () => {
    assert.ok(manifests.length >= 12);
    for (const { file, object } of manifests) {
      assert.ok(object.apiVersion && object.kind && object.metadata?.name, `${file}: ${JSON.stringify(object).slice(0, 80)}`);
    }
  });

  it('runs ims serve with flags it accepts, in-cluster, HTTP and HTTPS on the ports the pod and the Service name', () => {
    assert.equal(container.args[0], 'serve');
    assert.deepEqual(config.cluster, { kubeconfig: undefined, context: undefined, pullSecrets: true });
    assert.equal(portNamed('http').containerPort, config.listenPort);
    assert.equal(portNamed('https').containerPort, config.listenTls?.port);
    assert.ok(config.tlsCert?.startsWith(container.volumeMounts.find((m: Json) => m.name === 'tls').mountPath));
    assert.equal(container.volumeMounts.find((m: Json) => m.name === 'data').mountPath, config.dataDir);
    assert.deepEqual(
      service.spec.ports.map((p: Json) => [p.name, p.port, portNamed(p.targetPort).containerPort]),
      [
        ['http', 8080, 8080],
        ['https', 8443, 8443],
      ],
    );
    assert.deepEqual(service.spec.selector, statefulSet.spec.template.metadata.labels);
    assert.equal(config.publicHost, `${service.metadata.name}.${service.metadata.namespace}.svc:${service.spec.ports[0].port}`);
  });

  it('probes the health paths the server serves, on its plain port', () => {
    assert.deepEqual(container.readinessProbe.httpGet, { path: '/readyz', port: 'http' });
    assert.deepEqual(container.livenessProbe.httpGet, { path: '/healthz', port: 'http' });
  });

  it('runs as the service account the role bindings name', () => {
    const account = one('ServiceAccount');
    assert.equal(statefulSet.spec.template.spec.serviceAccountName, account.metadata.name);
    for (const binding of find('ClusterRoleBinding')) {
      assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: account.metadata.name, namespace: account.metadata.namespace }]);
      assert.equal(one('ClusterRole', binding.roleRef.name).metadata.name, binding.roleRef.name);
    }
  });

  it('grants what the cluster code calls, and no wildcard', () => {
    const rules = find('ClusterRole').flatMap((role) => role.rules as Json[]);
    const allows = (group: string, resource: string, verb: string, name?: string) =>
      rules.some(
        (r) =>
          r.apiGroups.includes(group) &&
          r.resources.includes(resource) &&
          r.verbs.includes(verb) &&
          (!r.resourceNames || (name && r.resourceNames.includes(name))),
      );
    for (const kind of clusterWorkloadKinds) {
      // Triggers: list-then-watch and patch; the API proxy: every verb ims serves for them.
      for (const verb of ['get', 'list', 'watch', 'patch', 'create', 'update', 'delete'])
        assert.ok(allows(kind.group, kind.resource, verb), `${verb} ${kind.resource}`);
    }
    assert.ok(allows('', 'namespaces', 'watch') && allows('', 'namespaces', 'get'));
    assert.ok(allows('', 'secrets', 'create') && allows('', 'secrets', 'get', pullSecretName) && allows('', 'secrets', 'update', pullSecretName));
    assert.ok(!allows('', 'secrets', 'get', 'some-other-secret'), 'other secrets stay unreadable');
    assert.ok(allows('', 'serviceaccounts', 'patch', 'default') && !allows('', 'serviceaccounts', 'patch', 'builder'));
    assert.ok(allows('authentication.k8s.io', 'tokenreviews', 'create') && allows('authorization.k8s.io', 'subjectaccessreviews', 'create'));
    for (const rule of rules) for (const field of ['apiGroups', 'resources', 'verbs']) assert.ok(!rule[field].includes('*'), JSON.stringify(rule));
  });

  it('has the webhook template the server prints, pointing at the Service', () => {
    const template = one('MutatingWebhookConfiguration');
    const https = service.spec.ports.find((p: Json) => p.name === 'https');
    const printed = webhookConfiguration({
      target: { service: { namespace: service.metadata.namespace, name: service.metadata.name, port: https.port } },
      key: 'WEBHOOK-KEY',
      caBundlePem: '',
      failurePolicy: 'Ignore',
    }) as Json;
    const { caBundle: _template, ...templateClient } = template.webhooks[0].clientConfig;
    const { caBundle: _printed, ...printedClient } = printed.webhooks[0].clientConfig;
    assert.deepEqual(templateClient, printedClient);
    assert.match(templateClient.service.path, new RegExp(`^/admission/[^/]+/${admissionPath}$`));
    assert.equal(template.webhooks[0].name, webhookName);
    assert.deepEqual({ ...template.webhooks[0], clientConfig: undefined }, { ...printed.webhooks[0], clientConfig: undefined });
    assert.ok(manifests.find((m) => m.object === template)!.file.startsWith('templates/'), 'kept out of kubectl apply -f deploy/kubernetes/');
  });

  it('registers the optional APIService for image.openshift.io/v1 at the HTTPS port', () => {
    const apiService = one('APIService');
    assert.deepEqual([apiService.spec.group, apiService.spec.version], ['image.openshift.io', 'v1']);
    assert.equal(apiService.metadata.name, 'v1.image.openshift.io');
    assert.deepEqual(apiService.spec.service, { namespace: service.metadata.namespace, name: service.metadata.name, port: 8443 });
  });
});
