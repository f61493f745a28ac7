import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageStream } from '../../src/kube/kinds/image.ts';
import { importFailureStatus, recordSuccess } from '../../src/streams/import-results.ts';
import { AppError, ErrorKinds } from '../../src/errors.ts';

describe('import failure status', () => {
  const from = 'registry.example.com/org/app:1.0';

  it('gives every failure a reason that classifies it and a message that names the registry', () => {
    const cases: [AppError, string, number][] = [
      [new AppError('NotFound', 'x'), 'NotFound', 404],
      [new AppError('Unauthorized', 'x', { subject: { kind: 'refused' } }), 'Unauthorized', 401],
      [
        new AppError(
          'Forbidden',
          'importing images from registry "registry.example.com" is forbidden: registry "registry.example.com:443" not allowed by whitelist: "quay.io:443"',
        ),
        'Forbidden',
        403,
      ],
      [new AppError('Timeout', 'registry.example.com: the registry did not answer in time'), 'Timeout', 504],
      [new AppError('Unavailable', 'registry.example.com is rate limiting requests', { ociCode: 'TOOMANYREQUESTS' }), 'TooManyRequests', 429],
      [new AppError('Unavailable', 'the store does not answer'), 'ServiceUnavailable', 503],
      [new AppError('Internal', 'GET registry.example.com/v2/org/app/manifests/1.0: the registry answered 500 Internal Server Error'), 'InternalError', 500],
    ];
    for (const [error, reason, code] of cases) {
      const status = importFailureStatus(error, from);
      assert.deepEqual([status.status, status.reason, status.code], ['Failure', reason, code], error.message);
      assert.match(status.message, /registry\.example\.com/, reason);
    }
  });

  it('keeps messages to one bounded line with nothing that looks like a credential, and digests readable', () => {
    const leaky = new AppError(
      'Internal',
      `the registry said:\n Authorization: Basic Ym90OnMzY3JldA==, {"token":"opaque-value"}, password=hunter2 ${'x'.repeat(5000)}`,
    );
    const status = importFailureStatus(leaky, from);
    assert.ok(status.message.length <= 512, `${status.message.length} characters`);
    assert.ok(!status.message.includes('\n'));
    for (const secret of ['Ym90OnMzY3JldA==', 'opaque-value', 'hunter2']) assert.ok(!status.message.includes(secret), status.message);
    assert.match(status.message, /^Internal error occurred: registry\.example\.com\/org\/app:1\.0: the registry said: Authorization: Basic \[redacted\]/);
    // …while what the user needs to read stays: references and digests.
    const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
    const integrity = importFailureStatus(new AppError('Internal', `content integrity error: blob ${digest} has the digest ${digest}`), from);
    assert.equal(integrity.message, `Internal error occurred: ${from}: content integrity error: blob ${digest} has the digest ${digest}`);
  });

  it('reports an Upstream failure (refused, reset, TLS, 5xx) as ServiceUnavailable, not InternalError', () => {
    const status = importFailureStatus(new AppError('Upstream', 'dial tcp registry.example.com:443: connect: connection refused'), from);
    assert.deepEqual(status, {
      status: 'Failure',
      reason: 'ServiceUnavailable',
      message: `${from}: dial tcp registry.example.com:443: connect: connection refused`,
      code: 503,
    });
  });

  it('classifies every kind of failure with a Kubernetes reason and an error code', () => {
    const reasons = ['NotFound', 'Unauthorized', 'Forbidden', 'BadRequest', 'Timeout', 'TooManyRequests', 'ServiceUnavailable', 'InternalError'];
    for (const kind of ErrorKinds) {
      const status = importFailureStatus(new AppError(kind, 'x'), from);
      assert.ok(reasons.includes(status.reason), `${kind}: ${status.reason}`);
      assert.ok(status.code >= 400 && status.code < 600, `${kind}: ${status.code}`);
    }
    assert.equal(importFailureStatus(new AppError('Conflict', 'x'), from).reason, 'InternalError', 'what OpenShift does not classify stays InternalError');
  });
});

describe('recordSuccess', () => {
  const digest = (n: number) => `sha256:${String(n).repeat(64)}`;

  it('records what caused each image on its history item, and keeps the first cause when the same image is recorded again', () => {
    const stream: ImageStream = { metadata: { name: 'app', namespace: 'p' }, spec: {} };
    recordSuccess(stream, '1', { reference: `r.example.com/app@${digest(1)}`, digest: digest(1) }, 1, '2026-01-01T00:00:00Z', 'tag');
    recordSuccess(stream, '1', { reference: `r.example.com/app@${digest(2)}`, digest: digest(2) }, 1, '2026-01-01T00:01:00Z', 'webhook hub');
    recordSuccess(stream, '1', { reference: `r.example.com/app@${digest(2)}`, digest: digest(2) }, 2, '2026-01-01T00:02:00Z', 'schedule');
    const items = stream.status!.tags![0].items!;
    assert.deepEqual(
      items.map((i) => i.annotations?.['imagestream.io/cause']),
      ['webhook hub', 'tag'],
    );
    assert.equal(items[0].generation, 2);
  });
});
