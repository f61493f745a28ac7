// The admission webhook as a cluster calls it: AdmissionReview v1 bodies shaped as the Kubernetes
// API reference shows them (request.uid, kind, resource, namespace, operation, userInfo, object,
// oldObject, dryRun, options), and the base64 JSONPatch it answers applied to the object.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/api-harness.ts';
import { pushImage } from '../support/registry-client.ts';
import { applyJsonPatch } from '../support/json-patch-apply.ts';
import { WebhookKey } from '../../src/cluster/webhook-key.ts';
import { reviewAdmission } from '../../src/cluster/admission-webhook.ts';
import { createLogger } from '../../src/lib/logger.ts';

type Json = Record<string, any>;

function admissionReview(operation: 'CREATE' | 'UPDATE' | 'DELETE', object: Json, oldObject: Json | null = null, namespace = 'default') {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `uid-${Math.random().toString(16).slice(2)}`,
      kind: { group, version, kind: object.kind },
      resource: { group, version, resource: `${object.kind.toLowerCase()}s` },
      requestKind: { group, version, kind: object.kind },
      requestResource: { group, version, resource: `${object.kind.toLowerCase()}s` },
      name: object.metadata.name,
      namespace,
      operation,
      userInfo: { username: 'alice', uid: '1', groups: ['system:authenticated'] },
      object,
      oldObject,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions' },
    },
  };
}

const pod = (containers: Json[], metadata: Json = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...metadata }, spec: { containers } });
const triggered = (kind: string, image: string, paused = false) => {
  const path = kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec';
  const template = { metadata: { labels: { app: 'w' } }, spec: { containers: [{ name: 'web', image, imagePullPolicy: 'Always' }] } };
  return {
    apiVersion: kind === 'CronJob' ? 'batch/v1' : 'apps/v1',
    kind,
    metadata: {
      name: 'w',
      annotations: {
        'image.openshift.io/triggers': JSON.stringify([
          { from: { kind: 'ImageStreamTag', name: 'app:1.0' }, fieldPath: `${path}.containers[?(@.name=="web")].image`, paused },
        ]),
      },
    },
    spec: kind === 'CronJob' ? { schedule: '* * * * *', jobTemplate: { spec: { template } } } : { selector: { matchLabels: { app: 'w' } }, template },
  };
};

describe('the admission webhook', () => {
  let h: Harness;
  let key: string;
  let digest: string;
  let other: string;
  const post = (body: unknown, path = `/admission/${key}/images`, scheme = 'https') =>
    h.server.handle(
      new Request(`${scheme}://127.0.0.1:8443${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      't',
    );
  const review = async (body: ReturnType<typeof admissionReview>) => {
    const answer = await post(body);
    assert.equal(answer.status, 200);
    const json = (await answer.json()) as Json;
    assert.equal(json.apiVersion, 'admission.k8s.io/v1');
    assert.equal(json.kind, 'AdmissionReview');
    assert.equal(json.response.uid, body.request.uid);
    assert.equal(json.response.allowed, true);
    const patch = json.response.patch ? JSON.parse(Buffer.from(json.response.patch, 'base64').toString()) : [];
    if (json.response.patch) assert.equal(json.response.patchType, 'JSONPatch');
    return { response: json.response, patch, admitted: applyJsonPatch(body.request.object, patch) as Json };
  };

  before(async () => {
    h = await startHarness();
    digest = (await pushImage(h, 'default/app', '1.0', 'app')).digest;
    other = (await pushImage(h, 'default/private', '1.0', 'private')).digest;
    const lookup = await h.request('PATCH', '/apis/image.openshift.io/v1/namespaces/default/imagestreams/app', {
      body: { spec: { lookupPolicy: { local: true } } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(lookup.status, 200, lookup.text);
    key = await new WebhookKey(h.store).value();
  });

  it("resolves a pod's short name through lookupPolicy.local and defaults its pull policy from what was written", async () => {
    const { admitted, patch } = await review(
      admissionReview(
        'CREATE',
        pod([
          { name: 'a', image: 'app:1.0' },
          { name: 'b', image: 'private:1.0' },
        ]),
      ),
    );
    assert.equal(admitted.spec.containers[0].image, `127.0.0.1:8080/default/app@${digest}`);
    assert.equal(admitted.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.equal(admitted.spec.containers[1].image, 'private:1.0', 'a stream without local lookup is not used for short names');
    assert.ok(patch.every((op: Json) => op.op !== 'remove'));
  });

  it('resolves every name of an object annotated resolve-names, in its own namespace only', async () => {
    const annotated = pod([{ name: 'b', image: 'private:1.0' }], { annotations: { 'alpha.image.policy.openshift.io/resolve-names': '*' } });
    assert.equal((await review(admissionReview('CREATE', annotated))).admitted.spec.containers[0].image, `127.0.0.1:8080/default/private@${other}`);
    assert.equal((await review(admissionReview('CREATE', annotated, null, 'elsewhere'))).admitted.spec.containers[0].image, 'private:1.0');
  });

  it('leaves pods a controller owns to their owner', async () => {
    const owned = pod([{ name: 'a', image: 'app:1.0', imagePullPolicy: 'IfNotPresent' }], {
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true }],
    });
    assert.deepEqual((await review(admissionReview('CREATE', owned))).patch, []);
  });

  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob']) {
    it(`gives a new ${kind} its trigger's current image and records it`, async () => {
      const { admitted } = await review(admissionReview('CREATE', triggered(kind, 'app:1.0')));
      const spec = kind === 'CronJob' ? admitted.spec.jobTemplate.spec.template.spec : admitted.spec.template.spec;
      assert.equal(spec.containers[0].image, `127.0.0.1:8080/default/app@${digest}`);
      assert.deepEqual(JSON.parse(admitted.metadata.annotations['imagestream.io/triggered-images']), {
        [`${kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec'}.containers[?(@.name=="web")].image`]: `127.0.0.1:8080/default/app@${digest}`,
      });
    });
  }

  it('honours a paused trigger', async () => {
    const { admitted } = await review(admissionReview('CREATE', triggered('Deployment', 'quay.io/org/app:1', true)));
    assert.equal(admitted.spec.template.spec.containers[0].image, 'quay.io/org/app:1');
  });

  it('leaves an update of a triggered workload as written: a rollback by hand is not undone', async () => {
    const old = triggered('Deployment', `127.0.0.1:8080/default/app@${digest}`);
    const rolledBack = triggered('Deployment', 'quay.io/org/app:old');
    assert.deepEqual((await review(admissionReview('UPDATE', rolledBack, old))).patch, []);
  });

  it("follows another project's stream only where this namespace's service accounts may pull, and says so otherwise", async () => {
    assert.equal((await h.request('POST', '/api/v1/namespaces', { body: { metadata: { name: 'other' } } })).status, 201);
    const shared = (await pushImage(h, 'other/shared', '1.0', 'shared')).digest;
    const crossing = triggered('Deployment', 'placeholder');
    crossing.metadata.annotations['image.openshift.io/triggers'] = JSON.stringify([
      { from: { kind: 'ImageStreamTag', name: 'shared:1.0', namespace: 'other' }, fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image' },
    ]);
    const refused = await review(admissionReview('CREATE', crossing));
    assert.equal(refused.admitted.spec.template.spec.containers[0].image, 'placeholder');
    assert.deepEqual(refused.response.warnings, ['image trigger on other/shared:1.0 not followed: the service accounts of default may not pull from other']);
    const grant = await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/other/rolebindings', {
      body: {
        metadata: { name: 'default-pulls' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:image-puller' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:serviceaccounts:default' }],
      },
    });
    assert.equal(grant.status, 201, grant.text);
    const allowed = await review(admissionReview('CREATE', crossing));
    assert.equal(allowed.admitted.spec.template.spec.containers[0].image, `127.0.0.1:8080/other/shared@${shared}`);
  });

  it('says when a trigger names a tag with no image yet', async () => {
    const waiting = triggered('Deployment', 'placeholder');
    waiting.metadata.annotations['image.openshift.io/triggers'] = waiting.metadata.annotations['image.openshift.io/triggers'].replace('app:1.0', 'app:2.0');
    const { response, patch } = await review(admissionReview('CREATE', waiting));
    assert.deepEqual(patch, []);
    assert.match(response.warnings[0], /image trigger on default\/app:2.0: the tag has no image yet/);
  });

  it('admits a workload with broken triggers unchanged and says why in the warnings', async () => {
    const broken = triggered('Deployment', 'quay.io/org/app:1');
    broken.metadata.annotations['image.openshift.io/triggers'] = '{not json';
    const { response, patch } = await review(admissionReview('CREATE', broken));
    assert.deepEqual(patch, []);
    assert.match(response.warnings[0], /image triggers ignored: the triggers annotation must be a JSON list/);
  });

  it('admits kinds, operations and subresources it does not handle with no patch', async () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: {} };
    assert.deepEqual((await review(admissionReview('CREATE', service))).patch, []);
    assert.deepEqual((await review(admissionReview('DELETE', pod([{ name: 'a', image: 'app:1.0' }])))).patch, []);
  });

  it('with a cluster connected, leaves namespaces its administrators did not connect alone', async () => {
    const body = admissionReview('CREATE', pod([{ name: 'a', image: 'app:1.0' }]));
    const request = new Request(`https://127.0.0.1:8443/admission/${key}/images`, { method: 'POST', body: JSON.stringify(body) });
    const deps = { store: h.store, key: new WebhookKey(h.store), logger: createLogger({ level: 'error' }), maxBodyBytes: 1 << 20, mayFollow: async () => true };
    const gated = (await (await reviewAdmission({ ...deps, namespaces: { isConnected: () => false } }, request.clone(), 't')).json()) as Json;
    assert.equal(gated.response.patch, undefined);
    const open = (await (await reviewAdmission({ ...deps, namespaces: { isConnected: (ns) => ns === 'default' } }, request, 't')).json()) as Json;
    assert.equal(open.response.patchType, 'JSONPatch');
  });

  it('answers only at its key, over TLS, to an AdmissionReview', async () => {
    const body = admissionReview('CREATE', pod([{ name: 'a', image: 'app:1.0' }]));
    const wrongKey = await post(body, '/admission/not-the-key/images');
    assert.equal(wrongKey.status, 404);
    assert.equal(((await wrongKey.json()) as Json).kind, 'Status');
    assert.equal((await post(body, `/admission/${key}/images`, 'http')).status, 403);
    const notReview = await post({ apiVersion: 'v1', kind: 'Pod' });
    assert.equal(notReview.status, 400);
    assert.match(((await notReview.json()) as Json).message, /AdmissionReview/);
    assert.equal((await post({ ...body, request: { ...body.request, uid: '' } })).status, 400);
  });

  it('gives the webhook configuration only to those who may register webhooks', async () => {
    const anonymous = await h.request('GET', '/admission/webhook-configuration?service=imagestream/imagestream:8443', { token: null });
    assert.equal(anonymous.status, 401);
    const token = (await h.request('POST', '/api/v1/namespaces/default/serviceaccounts/builder/token', { body: { spec: {} } })).json.status.token;
    const builder = await h.request('GET', '/admission/webhook-configuration?service=imagestream/imagestream:8443', { token });
    assert.equal(builder.status, 403);
    assert.doesNotMatch(builder.text, new RegExp(key));
  });
});
