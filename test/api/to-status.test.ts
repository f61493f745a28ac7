import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toStatus } from '../../src/api/to-status.ts';
import { AppError, ErrorKinds } from '../../src/errors.ts';

describe('Kubernetes Status rendering', () => {
  it('renders an Upstream failure as 503 ServiceUnavailable, as kube-aggregator does for a backend it cannot reach', () => {
    const status = toStatus(new AppError('Upstream', 'dial tcp quay.io:443: connect: connection refused'));
    assert.deepEqual([status.code, status.reason, status.message], [503, 'ServiceUnavailable', 'dial tcp quay.io:443: connect: connection refused']);
  });

  it('keeps an Upstream failure apart from an internal one', () => {
    assert.notEqual(toStatus(new AppError('Upstream', 'x')).reason, toStatus(new AppError('Internal', 'x')).reason);
  });

  it('renders every kind as a Failure with an error code and a reason', () => {
    for (const kind of ErrorKinds) {
      const status = toStatus(new AppError(kind, 'x'));
      assert.equal(status.status, 'Failure', kind);
      assert.ok(status.code >= 400 && status.code < 600, `${kind}: ${status.code}`);
      assert.match(status.reason, /^[A-Z][A-Za-z]+$/, kind);
    }
  });
});
