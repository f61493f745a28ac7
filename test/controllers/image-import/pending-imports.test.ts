import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageStream } from '../../../src/image/image-stream.ts';
import { repositoryImport } from '../../../src/controllers/image-import/pending-imports.ts';

const stream = (annotations: Record<string, string> = {}): ImageStream => ({
  apiVersion: 'image.openshift.io/v1',
  kind: 'ImageStream',
  metadata: { name: 'my-ruby', annotations },
  spec: { dockerImageRepository: 'registry.example.com/openshift/ruby-20-centos7' },
});

describe('repositoryImport', () => {
  it("asks for an insecure import when the stream's annotation says its repository is insecure", () => {
    assert.deepEqual(repositoryImport(stream({ 'openshift.io/image.insecureRepository': 'true' }), 'registry.example.com/openshift/ruby-20-centos7'), {
      from: { kind: 'DockerImage', name: 'registry.example.com/openshift/ruby-20-centos7' },
      importPolicy: { insecure: true },
    });
  });

  it('asks for a secure one otherwise, whatever else the annotation says', () => {
    for (const annotations of [
      {} as Record<string, string>,
      { 'openshift.io/image.insecureRepository': 'false' },
      { 'openshift.io/image.insecureRepository': 'yes' },
    ]) {
      assert.deepEqual(repositoryImport(stream(annotations), 'registry.example.com/r'), { from: { kind: 'DockerImage', name: 'registry.example.com/r' } });
    }
  });
});
