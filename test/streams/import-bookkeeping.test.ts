import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageStream } from '../../src/image/image-stream.ts';
import { forgetImportSecret, importSecretsOf } from '../../src/streams/import-bookkeeping.ts';

const streamUsing = (secrets: string): ImageStream => ({
  apiVersion: 'image.openshift.io/v1',
  kind: 'ImageStream',
  metadata: { name: 's', annotations: { 'imagestream.io/import-secrets': secrets, keep: 'me' } },
  spec: {},
});

describe('import bookkeeping', () => {
  it('forgets one secret of those an import used and keeps the rest', () => {
    const stream = streamUsing('a,creds,z');
    assert.equal(forgetImportSecret(stream, 'creds'), true);
    assert.deepEqual(importSecretsOf(stream), ['a', 'z']);
    assert.equal(stream.metadata.annotations!.keep, 'me');
  });

  it('drops the annotation with its last secret, and leaves a stream that never named it as it was', () => {
    const stream = streamUsing('creds');
    assert.equal(forgetImportSecret(stream, 'creds'), true);
    assert.equal(stream.metadata.annotations!['imagestream.io/import-secrets'], undefined);
    const other = streamUsing('credsx');
    assert.equal(forgetImportSecret(other, 'creds'), false);
    assert.deepEqual(importSecretsOf(other), ['credsx']);
  });
});
