import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceResolver, type ResourceInfo } from '../../src/cli/resource-resolver.ts';

const resource = (group: string, resource: string, kind: string, shortNames: string[] = []): ResourceInfo => ({
  group,
  version: 'v1',
  resource,
  kind,
  singular: resource.replace(/s$/, ''),
  shortNames,
  namespaced: true,
  verbs: ['get', 'list'],
});

describe('ResourceResolver', () => {
  const resolver = new ResourceResolver([
    resource('', 'pods', 'Pod', ['po']),
    resource('metrics.k8s.io', 'pods', 'PodMetrics'),
    resource('image.openshift.io', 'imagestreams', 'ImageStream', ['is']),
    resource('image.openshift.io', 'images', 'Image'),
    // The core group's stand-ins for OpenShift 3's legacy kinds: same kind, a plural nobody types.
    resource('', 'legacyimagestreams', 'ImageStream'),
    resource('', 'legacyimages', 'Image'),
  ]);

  it("resolves a resource's own names before another resource's kind of the same name", async () => {
    for (const typed of ['imagestream', 'imagestreams', 'ImageStream', 'is']) assert.equal((await resolver.resolve(typed)).resource, 'imagestreams', typed);
    assert.equal((await resolver.resolve('image')).group, 'image.openshift.io');
    assert.equal((await resolver.resolve('legacyimagestreams')).group, '');
  });

  it('lets the core group win a tie of names, as kubectl does', async () => {
    assert.equal((await resolver.resolve('pods')).group, '');
    assert.equal((await resolver.resolve('pods.metrics.k8s.io')).kind, 'PodMetrics');
  });

  it('maps a kind and apiVersion exactly', async () => {
    assert.equal((await resolver.byKind('image.openshift.io/v1', 'ImageStream')).resource, 'imagestreams');
    assert.equal((await resolver.byKind('v1', 'ImageStream')).resource, 'legacyimagestreams');
    await assert.rejects(resolver.byKind('v2', 'ImageStream'), /no matches for kind "ImageStream" in version "v2"/);
  });
});
