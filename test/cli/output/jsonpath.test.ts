import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderJsonPath } from '../../../src/cli/output/jsonpath.ts';

const list = {
  items: [
    { metadata: { name: 'a' }, spec: { tags: [{ name: 'latest' }, { name: '1.0' }] } },
    { metadata: { name: 'b' }, spec: { tags: [] } },
  ],
};

describe('kubectl JSONPath templates', () => {
  it('prints fields, wildcards and indexes', () => {
    assert.equal(renderJsonPath('{.items[*].metadata.name}', list), 'a b');
    assert.equal(renderJsonPath('{.items[0].spec.tags[1].name}', list), '1.0');
    assert.equal(renderJsonPath('{.items[-1].metadata.name}', list), 'b');
    assert.equal(renderJsonPath('name={.items[0].metadata.name}', list), 'name=a');
  });

  it('loops with range and prints quoted literals', () => {
    assert.equal(renderJsonPath('{range .items[*]}{.metadata.name}{"\\n"}{end}', list), 'a\nb\n');
  });

  it('reads a backslash-escaped dot as part of the key, as kubectl does', () => {
    const stream = { metadata: { annotations: { 'openshift.io/image.insecureRepository': 'true', openshift: { io: 'nested' } } } };
    assert.equal(renderJsonPath('{.metadata.annotations.openshift\\.io/image\\.insecureRepository}', stream), 'true');
    assert.equal(renderJsonPath('{.metadata.annotations.openshift.io}', stream), 'nested', 'unescaped dots still descend');
    assert.equal(renderJsonPath('{.metadata.annotations.openshift\\.io}', stream), '', 'no key "openshift.io"');
    const labelled = { items: [{ metadata: { labels: { 'app.kubernetes.io/name': 'web' }, name: 'a' } }, { metadata: { labels: {}, name: 'b' } }] };
    assert.equal(renderJsonPath('{.items[?(@.metadata.labels.app\\.kubernetes\\.io/name=="web")].metadata.name}', labelled), 'a');
    assert.equal(renderJsonPath('{range .items[*]}{.metadata.labels.app\\.kubernetes\\.io/name}{","}{end}', labelled), 'web,,');
  });

  it('filters lists', () => {
    assert.equal(renderJsonPath('{.items[?(@.metadata.name=="b")].metadata.name}', list), 'b');
  });

  it('prints objects as JSON and missing fields as nothing', () => {
    assert.equal(renderJsonPath('{.items[0].metadata}', list), '{"name":"a"}');
    assert.equal(renderJsonPath('{.nothing}', list), '');
  });

  it('refuses an unclosed template', () => {
    assert.throws(() => renderJsonPath('{.items', list), /unclosed/);
  });
});
