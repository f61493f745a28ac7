import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKubernetesProtobuf } from '../../src/api/protobuf.ts';
import { isAppError } from '../../src/errors.ts';

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

describe('Kubernetes protobuf bodies', () => {
  it('decodes a Namespace with labels', () => {
    const meta = Buffer.concat([field(1, 'team'), field(11, Buffer.concat([field(1, 'env'), field(2, 'dev')]))]);
    const envelope = Buffer.concat([Buffer.from('k8s\u0000', 'latin1'), field(1, Buffer.concat([field(1, 'v1'), field(2, 'Namespace')])), field(2, field(1, meta))]);
    assert.deepEqual(decodeKubernetesProtobuf(envelope), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', labels: { env: 'dev' } } });
  });

  it('refuses bodies without the envelope, truncated ones, and kinds it does not know', () => {
    assert.throws(() => decodeKubernetesProtobuf(Buffer.from('{}')), (e) => isAppError(e, 'BadRequest'));
    const truncated = Buffer.concat([Buffer.from('k8s\u0000', 'latin1'), varint((1 << 3) | 2), varint(50), Buffer.from('short')]);
    assert.throws(() => decodeKubernetesProtobuf(truncated), (e) => isAppError(e, 'BadRequest') && /truncated/.test(e.message));
    const deployment = Buffer.concat([Buffer.from('k8s\u0000', 'latin1'), field(1, Buffer.concat([field(1, 'apps/v1'), field(2, 'Deployment')]))]);
    assert.throws(() => decodeKubernetesProtobuf(deployment), (e) => isAppError(e, 'UnsupportedMediaType'));
  });
});
