import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { imageStreamImageTable, imageStreamTable, imageStreamTagTable, tagsUpToWidth } from '../../../src/api/resources/image-tables.ts';
import type { ImageStream, NamedTagEventList } from '../../../src/kube/kinds/image.ts';

const now = new Date('2024-05-01T12:00:00Z');
const secondsAgo = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
const tagged = (tag: string, seconds: number): NamedTagEventList => ({
  tag,
  items: [{ created: secondsAgo(seconds), dockerImageReference: `quay.io/org/app:${tag}`, image: 'sha256:1', generation: 1 }],
});

describe('image tables', () => {
  it('lists the most recently changed tags first, ties by name, tags without history last', () => {
    const tags = [tagged('b', 30), tagged('a', 30), { tag: 'empty', items: [] }, tagged('new', 5)];
    assert.equal(tagsUpToWidth(tags, 40), 'new,a,b,empty');
  });

  it('fills the TAGS width and counts the tags left out', () => {
    const tags = Array.from({ length: 12 }, (_, i) => tagged(`v1.${i + 10}`, 100 - i));
    // Newest first, six characters each with the comma: six fill 36 of 40, and a seventh would
    // run over when stopping leaves no more than a quarter of the width empty.
    assert.equal(tagsUpToWidth(tags, 40), 'v1.21,v1.20,v1.19,v1.18,v1.17,v1.16 + 6 more...');
  });

  it('runs over by up to a quarter of the width rather than leave more than a quarter empty', () => {
    const tags = Array.from({ length: 5 }, (_, i) => tagged(`version-1.2.${i + 1}`, 100 - i));
    // Two fill 28 of 40; a third runs over by two, and a fourth would run over by sixteen.
    assert.equal(tagsUpToWidth(tags, 40), 'version-1.2.5,version-1.2.4,version-1.2.3 + 2 more...');
  });

  it('stops before a tag that would run over by more than a quarter of the width', () => {
    const tags = [tagged('short', 3), tagged('a-very-long-tag-name-indeed-yes', 2)];
    assert.equal(tagsUpToWidth(tags, 20), 'a-very-long-tag-name-indeed-yes + 1 more...');
    assert.equal(tagsUpToWidth([tagged('first', 1), tagged('a-very-long-tag-name-indeed', 2)], 20), 'first + 1 more...');
  });

  it("shows a stream's public repository, its tags, and when a tag last changed in words", () => {
    const stream: ImageStream = {
      metadata: { name: 'ruby', namespace: 'demo' },
      spec: { dockerImageRepository: 'quay.io/org/ruby' },
      status: {
        dockerImageRepository: 'registry.local/demo/ruby',
        publicDockerImageRepository: 'registry.example.com/demo/ruby',
        tags: [tagged('2.7', 300), tagged('latest', 5)],
      },
    };
    assert.deepEqual(
      imageStreamTable.columns.map((c) => c.name),
      ['Image Repository', 'Tags', 'Updated'],
    );
    assert.deepEqual(imageStreamTable.cells(stream, now), ['registry.example.com/demo/ruby', 'latest,2.7', '5 seconds ago']);
    const bare: ImageStream = { metadata: { name: 'mirror' }, spec: { dockerImageRepository: 'quay.io/org/mirror' } };
    assert.deepEqual(imageStreamTable.cells(bare, now), ['quay.io/org/mirror', '', '']);
  });

  it('adds the image name to a tag in wide output, and the pull spec and name to an image', () => {
    const image = { metadata: { name: 'sha256:abc' }, dockerImageReference: 'quay.io/org/ruby@sha256:abc' };
    assert.deepEqual(
      imageStreamTagTable.columns.map((c) => [c.name, c.priority]),
      [
        ['Image Reference', 0],
        ['Updated', 0],
        ['Image Name', 1],
      ],
    );
    assert.deepEqual(imageStreamTagTable.cells({ metadata: { name: 'ruby:2.7', creationTimestamp: secondsAgo(120) }, tag: null, image }, now), [
      'quay.io/org/ruby@sha256:abc',
      '2 minutes ago',
      'sha256:abc',
    ]);
    assert.deepEqual(
      imageStreamImageTable.columns.map((c) => [c.name, c.priority]),
      [
        ['Updated', 0],
        ['Image Reference', 1],
        ['Image Name', 1],
      ],
    );
    assert.deepEqual(imageStreamImageTable.cells({ metadata: { name: 'ruby@sha256:abc', creationTimestamp: secondsAgo(7200) }, image }, now), [
      '2 hours ago',
      'quay.io/org/ruby@sha256:abc',
      'sha256:abc',
    ]);
  });
});
