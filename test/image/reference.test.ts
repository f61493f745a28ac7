import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exactReference, mostSpecific, parseImageReference, referenceProblem, withDockerDefaults } from '../../src/image/reference.ts';
import { isAppError } from '../../src/errors.ts';

describe('image references', () => {
  it('takes the first segment as a registry only when it looks like a host', () => {
    assert.deepEqual(parseImageReference('quay.io/org/app:1.0'), { registry: 'quay.io', namespace: 'org', name: 'app', tag: '1.0', id: '' });
    assert.deepEqual(parseImageReference('org/app'), { registry: '', namespace: 'org', name: 'app', tag: '', id: '' });
    assert.deepEqual(parseImageReference('localhost/app'), { registry: 'localhost', namespace: '', name: 'app', tag: '', id: '' });
    assert.deepEqual(parseImageReference('127.0.0.1:5000/a/b/c:t'), { registry: '127.0.0.1:5000', namespace: 'a', name: 'b/c', tag: 't', id: '' });
  });

  it('reads digests and applies Docker Hub defaults only when asked', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const ref = parseImageReference(`python@${digest}`);
    assert.equal(ref.id, digest);
    assert.equal(exactReference(withDockerDefaults(ref)), `docker.io/library/python@${digest}`);
    assert.equal(exactReference(withDockerDefaults(parseImageReference('python'))), 'docker.io/library/python:latest');
    assert.equal(exactReference(mostSpecific(parseImageReference(`quay.io/a/b:1@${digest}`))), `quay.io/a/b@${digest}`);
  });

  it('refuses what is not a reference', () => {
    for (const text of ['', 'UPPER/case', 'a b', 'app:-bad', 'app@', 'bad..name'])
      assert.throws(
        () => parseImageReference(text),
        (e) => isAppError(e, 'BadRequest'),
        text,
      );
  });

  it('says why a pull spec is not a reference, for messages that name the field', () => {
    assert.equal(referenceProblem('host/UPPER/Case::x'), 'repository names must be lower case letters, digits and separators (. _ __ -)');
    assert.equal(referenceProblem('quay.io/org/app:1.0'), undefined);
    assert.equal(referenceProblem(`quay.io/${'a'.repeat(250)}`), 'the repository name must not be more than 255 characters');
    assert.equal(referenceProblem('app:'), '"" is not a valid tag');
  });
});
