import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redactedTarget } from '../../src/server/access-log.ts';

describe('redactedTarget', () => {
  it('keeps paths and ordinary parameters as given', () => {
    assert.equal(redactedTarget('/api/v1/namespaces?labelSelector=a%3Db&watch=true'), '/api/v1/namespaces?labelSelector=a%3Db&watch=true');
    assert.equal(redactedTarget('/v2/'), '/v2/');
  });

  it('replaces the value of every parameter that may carry a credential, however it is spelled', () => {
    assert.equal(
      redactedTarget('/x?access_token=t1&Password=p&client_secret=s&code=c&X-Amz-Signature=sig&api%5Fkey=k&n=1'),
      '/x?access_token=REDACTED&Password=REDACTED&client_secret=REDACTED&code=REDACTED&X-Amz-Signature=REDACTED&api%5Fkey=REDACTED&n=1',
    );
  });

  it('cuts a very long target short', () => {
    const logged = redactedTarget(`/${'a'.repeat(10_000)}`);
    assert.ok(logged.length < 2100);
    assert.ok(logged.endsWith('…'));
  });
});
