import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { isSigningSender, secretMatches, signatureMatches, signatureOf } from '../../src/webhooks/sender-verification.ts';

describe('sender verification', () => {
  it('matches the secret only when every byte is equal, whatever the lengths', () => {
    assert.equal(secretMatches('s3cret', 's3cret'), true);
    assert.equal(secretMatches('s3creT', 's3cret'), false);
    assert.equal(secretMatches('s3cret-and-more', 's3cret'), false);
    assert.equal(secretMatches('', 's3cret'), false);
  });

  it("checks GitHub's X-Hub-Signature-256 form: sha256= and the hex HMAC of the exact body", () => {
    const body = Buffer.from('{"action":"published"}');
    const github = `sha256=${createHmac('sha256', 'key').update(body).digest('hex')}`;
    assert.equal(signatureOf(body, 'key'), github);
    assert.equal(signatureMatches(body, github, 'key'), true);
    assert.equal(signatureMatches(body, github.toUpperCase().replace('SHA256=', 'sha256='), 'key'), true);
    assert.equal(signatureMatches(Buffer.from('{"action":"published" }'), github, 'key'), false);
    assert.equal(signatureMatches(body, github, 'other key'), false);
    assert.equal(signatureMatches(body, github.slice('sha256='.length), 'key'), false);
  });

  it('has GHCR and the generic sender sign, the others carry the secret in the URL', () => {
    assert.deepEqual(
      ['distribution', 'gitlab', 'dockerhub', 'quay', 'harbor', 'ghcr', 'generic'].filter((t) => isSigningSender(t as never)),
      ['ghcr', 'generic'],
    );
  });
});
