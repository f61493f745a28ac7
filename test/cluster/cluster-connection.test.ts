import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clusterError } from '../../src/cluster/cluster-errors.ts';

describe('the cluster connection', () => {
  it("turns the cluster's Status answers into the error kinds the API renders", () => {
    assert.equal(clusterError(409, { reason: 'AlreadyExists', message: 'deployments.apps "web" already exists' }).kind, 'AlreadyExists');
    assert.equal(clusterError(409, { reason: 'Conflict', message: 'modified' }).kind, 'Conflict');
    const invalid = clusterError(422, {
      message: 'bad',
      details: { causes: [{ reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' }] },
    });
    assert.equal(invalid.kind, 'Invalid');
    assert.equal(invalid.causes?.[0].field, 'spec.selector');
    // A refused credential is the operator's problem, not the caller's: never a 401 to the caller.
    const refused = clusterError(401, { message: 'Unauthorized' });
    assert.equal(refused.kind, 'Unavailable');
    assert.match(refused.message, /refused this server's credential/);
    assert.equal(clusterError(503, 'not json').kind, 'Unavailable');
  });
});
