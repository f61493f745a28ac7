import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toOciError } from '../../src/registry/to-oci-error.ts';
import { AppError, ErrorKinds, OciCodes, type OciCode } from '../../src/errors.ts';

// The statuses the distribution spec's error-code table gives; written out here rather than read
// from the table under test, and typed so that a new code needs a row.
const specStatus: Record<OciCode, number> = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  // The distribution registry's code for a bad page size (not in the spec's table).
  PAGINATION_NUMBER_INVALID: 400,
  SIZE_INVALID: 400,
  TAG_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 405,
  TOOMANYREQUESTS: 429,
  RANGE_INVALID: 416,
  UNKNOWN: 500,
  UNAVAILABLE: 503,
};

describe('OCI error rendering', () => {
  it('answers every code with the status the distribution spec gives it, whatever the kind', () => {
    for (const code of OciCodes) {
      const rendered = toOciError(new AppError('BadRequest', `about ${code}`, { ociCode: code }));
      assert.equal(rendered.status, specStatus[code], code);
      assert.deepEqual(rendered.body, { errors: [{ code, message: `about ${code}` }] });
    }
  });

  it('gives an error that names no code the code and status of its kind', () => {
    const cases: [AppError, OciCode, number][] = [
      [new AppError('NotFound', 'x'), 'NAME_UNKNOWN', 404],
      [new AppError('Conflict', 'x'), 'DENIED', 409],
      [new AppError('Unauthorized', 'x'), 'UNAUTHORIZED', 401],
      [new AppError('Unavailable', 'x'), 'UNAVAILABLE', 503],
      [new AppError('Upstream', 'x'), 'UNAVAILABLE', 503],
      [new AppError('Internal', 'x'), 'UNKNOWN', 500],
    ];
    for (const [error, code, status] of cases) {
      const rendered = toOciError(error);
      assert.deepEqual([rendered.body.errors[0].code, rendered.status], [code, status], error.kind);
    }
  });

  it('renders every kind as a code of the spec with an error status', () => {
    for (const kind of ErrorKinds) {
      const rendered = toOciError(new AppError(kind, 'x'));
      assert.ok(OciCodes.includes(rendered.body.errors[0].code), kind);
      assert.ok(rendered.status >= 400 && rendered.status < 600, `${kind}: ${rendered.status}`);
    }
  });

  it('keeps 413 for a body over a limit, though SIZE_INVALID alone is 400', () => {
    assert.equal(toOciError(new AppError('TooLarge', 'the upload is larger than the limit', { ociCode: 'SIZE_INVALID' })).status, 413);
  });

  it("says the code's own words when the error has none", () => {
    assert.equal(toOciError(new AppError('NotFound', '', { ociCode: 'MANIFEST_UNKNOWN' })).body.errors[0].message, 'manifest unknown');
  });
});
