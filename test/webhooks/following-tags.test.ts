import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageStream } from '../../src/kube/kinds/image.ts';
import { followingTags } from '../../src/webhooks/following-tags.ts';

const stream = (name: string, tags: { name: string; from: string; kind?: string; reference?: boolean }[]): ImageStream => ({
  metadata: { name, namespace: 'p' },
  spec: { tags: tags.map((t) => ({ name: t.name, from: { kind: t.kind ?? 'DockerImage', name: t.from }, reference: t.reference })) },
});

describe('followingTags', () => {
  const streams = [
    stream('a', [
      { name: '1', from: 'registry.example.com:5000/team/app:1' },
      { name: 'pinned', from: `registry.example.com:5000/team/app@sha256:${'a'.repeat(64)}` },
      { name: 'ref', from: 'registry.example.com:5000/team/app:1', reference: true },
      { name: 'other', from: 'registry.example.com:5000/team/app:2' },
    ]),
    stream('b', [
      { name: 'latest', from: 'registry.example.com:5000/team/app:1' },
      { name: 'hub', from: 'nginx' },
      { name: 'local', from: 'a:1', kind: 'ImageStreamTag' },
    ]),
  ];

  it('finds the tags of every stream whose source is that registry, repository and tag, by tag only', () => {
    assert.deepEqual(followingTags(streams, { repository: 'team/app', tag: '1' }, 'registry.example.com:5000'), [
      { stream: 'a', tag: '1' },
      { stream: 'b', tag: 'latest' },
    ]);
  });

  it('matches nothing of another registry, even with the same repository', () => {
    assert.deepEqual(followingTags(streams, { repository: 'team/app', tag: '1' }, 'registry.example.com:5001'), []);
    assert.deepEqual(followingTags(streams, { repository: 'team/app', tag: '1' }, '169.254.169.254'), []);
  });

  it("knows Docker Hub's names for itself and its library/ namespace", () => {
    assert.deepEqual(followingTags(streams, { repository: 'library/nginx', tag: 'latest' }, 'docker.io'), [{ stream: 'b', tag: 'hub' }]);
    assert.deepEqual(followingTags(streams, { repository: 'library/nginx', tag: 'latest' }, 'registry-1.docker.io'), [{ stream: 'b', tag: 'hub' }]);
  });
});
