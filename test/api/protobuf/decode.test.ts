import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeKubernetesProtobuf } from '../../../src/api/protobuf/decode.ts';
import { isAppError } from '../../../src/errors.ts';

// Bodies recorded from kubectl 1.33's imperative `create` commands, each beside the JSON that the
// same command prints with `--dry-run=client -o json`.
const recorded = join(import.meta.dirname, 'kubectl-bodies');

const varint = (n: number) => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
};
const field = (number: number, value: Buffer | string) => {
  const bytes = Buffer.from(value);
  return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
};
const envelope = (apiVersion: string, kind: string, object: Buffer) =>
  Buffer.concat([Buffer.from('k8s\u0000', 'latin1'), field(1, Buffer.concat([field(1, apiVersion), field(2, kind)])), field(2, object)]);

/** kubectl's JSON without what the server fills in or what means nothing: nulls, `{}`, status. */
function meaningful(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(meaningful);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'status' || inner === null) continue;
    const kept = meaningful(inner);
    if (typeof kept === 'object' && kept !== null && !Array.isArray(kept) && Object.keys(kept).length === 0) continue;
    out[key] = kept;
  }
  return out;
}

describe('Kubernetes protobuf bodies', () => {
  for (const name of readdirSync(recorded)
    .filter((file) => file.endsWith('.pb'))
    .map((file) => file.slice(0, -3))) {
    it(`reads kubectl's ${name} as kubectl itself renders it in JSON`, () => {
      const decoded = decodeKubernetesProtobuf(readFileSync(join(recorded, `${name}.pb`)));
      const expected = JSON.parse(readFileSync(join(recorded, `${name}.json`), 'utf8'));
      assert.deepEqual(meaningful(decoded), meaningful(expected));
    });
  }

  it('keeps a zero that was set on purpose (replicas: 0) and the empty core API group', () => {
    const zero = decodeKubernetesProtobuf(readFileSync(join(recorded, 'deployment-zero-replicas.pb'))) as { spec: { replicas: number } };
    assert.equal(zero.spec.replicas, 0);
    const role = decodeKubernetesProtobuf(readFileSync(join(recorded, 'role.pb'))) as { rules: { apiGroups: string[] }[] };
    assert.deepEqual(
      role.rules.map((rule) => rule.apiGroups),
      [[''], ['image.openshift.io']],
    );
  });

  it('decodes a Namespace with labels', () => {
    const meta = Buffer.concat([field(1, 'team'), field(11, Buffer.concat([field(1, 'env'), field(2, 'dev')]))]);
    assert.deepEqual(decodeKubernetesProtobuf(envelope('v1', 'Namespace', field(1, meta))), {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team', labels: { env: 'dev' } },
    });
  });

  it('decodes a SubjectAccessReview, its extra values as lists', () => {
    const attributes = Buffer.concat([field(1, 'shop'), field(2, 'get'), field(3, 'image.openshift.io'), field(5, 'imagestreams'), field(6, 'layers')]);
    const extra = field(5, Buffer.concat([field(1, 'scopes'), field(2, Buffer.concat([field(1, 'user:info'), field(1, 'user:check-access')]))]));
    const spec = Buffer.concat([field(1, attributes), field(3, 'alice'), field(4, 'developers'), field(4, 'qa'), extra]);
    assert.deepEqual(decodeKubernetesProtobuf(envelope('authorization.k8s.io/v1', 'SubjectAccessReview', field(2, spec))), {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        resourceAttributes: { namespace: 'shop', verb: 'get', group: 'image.openshift.io', resource: 'imagestreams', subresource: 'layers' },
        user: 'alice',
        groups: ['developers', 'qa'],
        extra: { scopes: ['user:info', 'user:check-access'] },
      },
    });
  });

  it('asks for JSON rather than drop content it cannot read', () => {
    // A container with a field this server does not read from protobuf (#9: volumeMounts).
    const container = Buffer.concat([field(1, 'web'), field(2, 'nginx'), field(9, field(1, 'data'))]);
    const deployment = field(2, field(3, field(2, field(2, container))));
    assert.throws(
      () => decodeKubernetesProtobuf(envelope('apps/v1', 'Deployment', Buffer.concat([field(1, field(1, 'web')), deployment]))),
      (e) =>
        isAppError(e, 'UnsupportedMediaType') && /Deployment\.spec\.template\.spec\.containers#9/.test(e.message) && /send Deployment as JSON/.test(e.message),
    );
    // The same field left empty, as Kubernetes' marshallers write unset fields, is no content.
    const emptyField = Buffer.concat([field(1, 'web'), field(2, 'nginx'), field(9, '')]);
    const decoded = decodeKubernetesProtobuf(envelope('apps/v1', 'Deployment', field(2, field(3, field(2, field(2, emptyField)))))) as {
      spec: { template: { spec: { containers: unknown[] } } };
    };
    assert.deepEqual(decoded.spec.template.spec.containers, [{ name: 'web', image: 'nginx' }]);
  });

  it('refuses bodies without the envelope, truncated ones, and kinds it does not know', () => {
    assert.throws(
      () => decodeKubernetesProtobuf(Buffer.from('{}')),
      (e) => isAppError(e, 'BadRequest'),
    );
    const truncated = Buffer.concat([Buffer.from('k8s\u0000', 'latin1'), varint((1 << 3) | 2), varint(50), Buffer.from('short')]);
    assert.throws(
      () => decodeKubernetesProtobuf(truncated),
      (e) => isAppError(e, 'BadRequest') && /truncated/.test(e.message),
    );
    assert.throws(
      () => decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', Buffer.alloc(0))),
      (e) => isAppError(e, 'UnsupportedMediaType') && /send ConfigMap as JSON/.test(e.message),
    );
  });
});
