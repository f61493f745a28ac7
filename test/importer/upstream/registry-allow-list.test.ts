import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRegistryAllowList, isRegistryPattern } from '../../../src/importer/upstream/registry-allow-list.ts';

describe('registry allow-list', () => {
  it('allows every registry when no list is given', () => {
    assert.equal(createRegistryAllowList(undefined).refusal('anything.example:5000', false), undefined);
  });

  it('matches host globs, case-insensitively', () => {
    const list = createRegistryAllowList(['quay.io', '*.example.com']);
    assert.equal(list.refusal('quay.io', false), undefined);
    assert.equal(list.refusal('QUAY.io', false), undefined);
    assert.equal(list.refusal('registry.example.com', false), undefined);
    assert.equal(list.refusal('a.b.example.com', false), undefined);
    assert.match(list.refusal('example.com', false) ?? '', /not allowed/);
    assert.match(list.refusal('quay.io.evil.net', false) ?? '', /not allowed/);
    assert.match(list.refusal('evilquay.io', false) ?? '', /not allowed/);
  });

  it('reads a pattern without a port as 443 or 80, the ports a reference without one is reached on', () => {
    const list = createRegistryAllowList(['quay.io']);
    assert.equal(list.refusal('quay.io:443', false), undefined);
    assert.equal(list.refusal('quay.io', true), undefined, 'insecure: port 80');
    assert.equal(list.refusal('quay.io:80', true), undefined);
    assert.equal(list.refusal('quay.io:5000', false), 'registry "quay.io:5000" not allowed by whitelist: "quay.io:443"');
  });

  it('matches host:port patterns exactly, or any port with *', () => {
    const list = createRegistryAllowList(['registry.local:5000', '*.corp:*']);
    assert.equal(list.refusal('registry.local:5000', true), undefined);
    assert.match(list.refusal('registry.local', false) ?? '', /^registry "registry\.local:443" not allowed/);
    assert.match(list.refusal('registry.local:5001', false) ?? '', /not allowed/);
    assert.equal(list.refusal('build.corp:31337', false), undefined);
  });

  it("words a refusal as OpenShift's whitelist does", () => {
    assert.equal(createRegistryAllowList(['a', 'b']).refusal('x', false), 'registry "x:443" not allowed by whitelist: "a:443", "b:443"');
    assert.equal(createRegistryAllowList([]).refusal('x', false), 'registry "x:443" not allowed by empty whitelist');
  });

  it('knows Docker Hub by its reference name and always allows the registries it is told to', () => {
    const list = createRegistryAllowList(['docker.io'], ['127.0.0.1:8080']);
    assert.equal(list.refusal('registry-1.docker.io', false), undefined);
    assert.equal(list.refusal('127.0.0.1:8080', true), undefined);
    assert.match(list.refusal('127.0.0.1:8081', true) ?? '', /not allowed/);
  });

  it('accepts host and host:port patterns only', () => {
    for (const good of ['quay.io', '*.example.com', 'registry.local:5000', '*:*', '10.0.0.1:5000', '[::1]:5000']) assert.ok(isRegistryPattern(good), good);
    for (const bad of ['', 'https://quay.io', 'quay.io/org', 'a b', 'quay.io:', 'quay.io:port']) assert.ok(!isRegistryPattern(bad), bad);
  });
});
