import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CredentialKeyring } from '../../../src/importer/upstream/credentials.ts';

const auth = (user: string) => ({ auth: Buffer.from(`${user}:pw-${user}`).toString('base64') });

describe('credential keyring', () => {
  const keyring = CredentialKeyring.fromDockerConfigs([
    { source: 'wide', content: { auths: { 'quay.io': auth('wide'), 'https://index.docker.io/v1/': auth('hub') } } },
    { source: 'narrow', content: { auths: { 'quay.io/team': auth('team'), '*.example.com': auth('glob'), 'registry.local:5000': auth('port') } } },
    { source: 'legacy', content: { 'old.example.org': { username: 'legacy', password: 'pw' } } },
  ]);

  it('prefers the most specific path', () => {
    assert.equal(keyring.lookup('quay.io', 'team/app')?.username, 'team');
    assert.equal(keyring.lookup('quay.io', 'other/app')?.username, 'wide');
    assert.equal(keyring.lookup('quay.io', 'team/app')?.source, 'narrow');
  });

  it('matches ports exactly and host labels by glob', () => {
    assert.equal(keyring.lookup('registry.local:5000', 'a/b')?.username, 'port');
    assert.equal(keyring.lookup('registry.local', 'a/b'), undefined);
    assert.equal(keyring.lookup('registry.local:5001', 'a/b'), undefined);
    assert.equal(keyring.lookup('images.example.com', 'a/b')?.username, 'glob');
    assert.equal(keyring.lookup('a.images.example.com', 'a/b'), undefined, 'a glob label matches one label');
  });

  it('reads legacy .dockercfg maps and falls back to Docker Hub credentials', () => {
    assert.equal(keyring.lookup('old.example.org', 'x/y')?.username, 'legacy');
    assert.equal(keyring.lookup('docker.io', 'library/busybox')?.username, 'hub');
  });
});
