import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebhookFace } from '../../src/webhooks/webhook-face.ts';
import { MemoryResourceStore } from '../../src/store/memory/memory-resource-store.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { statusResponse } from '../../src/api/http-responses.ts';

const base = '/apis/image.openshift.io/v1/namespaces/p/imagestreamwebhooks';

describe('WebhookFace', () => {
  const face = new WebhookFace({ store: new MemoryResourceStore(), imports: { hint: () => undefined }, renderError: statusResponse, logger: silentLogger });

  it('serves the receiver URLs of both shapes, and leaves the receivers themselves to the API', () => {
    assert.equal(face.serves(`${base}/hub/0123abcd/dockerhub`), true);
    assert.equal(face.serves(`${base}/gh/ghcr`), true);
    assert.equal(face.serves(`${base}/hub`), false);
    assert.equal(face.serves(base), false);
    assert.equal(face.serves(`${base}/hub/a/b/c`), false);
  });

  it('logs a path without anything that may be a secret, near misses of a receiver URL included', () => {
    assert.equal(face.loggedPath(`${base}/hub/0123abcd/dockerhub`), `${base}/hub/<secret>/dockerhub`);
    assert.equal(face.loggedPath(`${base}/hub/0123abcd/dockerhub/`), `${base}/hub/<secret>`);
    assert.equal(face.loggedPath(`${base}/hub/0123abcd/x/quay`), `${base}/hub/<secret>/quay`);
    assert.equal(face.loggedPath(`${base}/hub/0123abcd`), `${base}/hub/<secret>`);
    assert.equal(face.loggedPath(`${base}/gh/ghcr`), `${base}/gh/ghcr`);
    assert.equal(face.loggedPath(`${base}/hub`), `${base}/hub`);
    assert.equal(face.loggedPath('/api/v1/namespaces/p/secrets/hub-webhook'), '/api/v1/namespaces/p/secrets/hub-webhook');
  });
});
