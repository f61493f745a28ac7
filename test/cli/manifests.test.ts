import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests } from '../../src/cli/manifests.ts';

describe('manifests from -f files', () => {
  it("maps OpenShift 3's legacy apiVersion v1 of its own kinds to their groups, as oc does, and leaves core kinds alone", () => {
    const text = [
      'apiVersion: v1',
      'kind: ImageStream',
      'metadata: {name: my-ruby}',
      'spec: {dockerImageRepository: docker.io/openshift/ruby-20-centos7}',
      '---',
      'apiVersion: v1',
      'kind: ImageStreamTag',
      'metadata: {name: "my-ruby:latest"}',
      '---',
      'apiVersion: v1',
      'kind: Project',
      'metadata: {name: demo}',
      '---',
      'apiVersion: v1',
      'kind: Secret',
      'metadata: {name: s}',
      '---',
      'apiVersion: image.openshift.io/v1',
      'kind: ImageStream',
      'metadata: {name: modern}',
    ].join('\n');
    assert.deepEqual(
      parseManifests(text, 'docs.yaml').map((m) => `${m.apiVersion} ${m.kind}`),
      [
        'image.openshift.io/v1 ImageStream',
        'image.openshift.io/v1 ImageStreamTag',
        'project.openshift.io/v1 Project',
        'v1 Secret',
        'image.openshift.io/v1 ImageStream',
      ],
    );
  });

  it('expands Lists, including legacy v1 items', () => {
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ImageStream', metadata: { name: 'a' } }] });
    assert.deepEqual(
      parseManifests(list, 'list.json').map((m) => m.apiVersion),
      ['image.openshift.io/v1'],
    );
  });
});
