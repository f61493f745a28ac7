import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CliError, failureLine } from '../../src/cli/cli-error.ts';
import { ServerError } from '../../src/cli/api-client.ts';

describe('failureLine', () => {
  it("words the server's refusals as kubectl does", () => {
    assert.equal(
      failureLine(new ServerError(404, 'NotFound', 'imagestreams.image.openshift.io "nope" not found')),
      'Error from server (NotFound): imagestreams.image.openshift.io "nope" not found',
    );
    assert.equal(failureLine(new ServerError(502, '502', 'the server answered 502')), 'Error from server: the server answered 502');
  });

  it('names the invalid object and its causes, in brackets when there are several', () => {
    const one = new ServerError(422, 'Invalid', 'Deployment.apps "web" is invalid: …', {
      kind: 'Deployment',
      name: 'web',
      causes: [{ field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' }],
    });
    assert.equal(failureLine(one), 'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    const two = new ServerError(422, 'Invalid', '…', {
      kind: 'ImageStream',
      name: 'x',
      causes: [
        { field: 'spec.tags[0].name', message: 'Required value' },
        { field: 'spec.tags[1].from', message: 'Required value' },
      ],
    });
    assert.equal(failureLine(two), 'The ImageStream "x" is invalid: [spec.tags[0].name: Required value, spec.tags[1].from: Required value]');
  });

  it("keeps error: for the CLI's own failures and for a login that is needed", () => {
    assert.equal(failureLine(new CliError('--keep-younger-than must be a duration')), 'error: --keep-younger-than must be a duration');
    assert.equal(
      failureLine(new ServerError(401, 'Unauthorized', "You must be logged in to the server (Unauthorized); run 'ims login'")),
      "error: You must be logged in to the server (Unauthorized); run 'ims login'",
    );
    assert.equal(failureLine(new Error('boom')), 'error: boom');
  });
});
