import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PeerCertificate } from 'node:tls';
import { RequestHeaderAuthenticator, type RequestHeaderOptions } from '../../src/cluster/request-header-authenticator.ts';
import type { VerifiedClient } from '../../src/lib/verified-client.ts';

const options: RequestHeaderOptions = {
  clientCaFile: '/unused',
  allowedNames: [],
  usernameHeaders: ['X-Remote-User'],
  groupHeaders: ['X-Remote-Group'],
  extraHeaderPrefixes: ['X-Remote-Extra-'],
};
const proxy = (cn: string, headers: Record<string, string[]>): VerifiedClient => ({
  certificate: { subject: { CN: cn } } as unknown as PeerCertificate,
  headers,
});
const request = new Request('https://127.0.0.1/apis');

describe('RequestHeaderAuthenticator', () => {
  it('takes the user, every group and the extras a verified proxy names', () => {
    const client = proxy('front-proxy-client', {
      'x-remote-user': ['alice'],
      'x-remote-group': ['developers', 'system:authenticated'],
      'x-remote-extra-scopes': ['a', 'b'],
      'x-remote-extra-acme.com%2fproject': ['web'],
      authorization: ['Bearer ignored'],
    });
    const answer = new RequestHeaderAuthenticator(options, () => client).authenticate(request);
    assert.deepEqual(answer, {
      kind: 'user',
      user: {
        name: 'alice',
        groups: ['developers', 'system:authenticated'],
        extra: { scopes: ['a', 'b'], 'acme.com/project': ['web'] },
        vouchedBy: 'front-proxy',
      },
    });
  });

  it('has no opinion without a verified certificate, or without a user header', () => {
    assert.equal(new RequestHeaderAuthenticator(options, () => undefined).authenticate(request), undefined);
    assert.equal(new RequestHeaderAuthenticator(options, () => proxy('p', { 'x-remote-group': ['admins'] })).authenticate(request), undefined);
  });

  it('refuses a certificate whose common name is not an allowed proxy, and adds system:authenticated', () => {
    const strict = { ...options, allowedNames: ['front-proxy-client'] };
    const other = new RequestHeaderAuthenticator(strict, () => proxy('someone-else', { 'x-remote-user': ['alice'] })).authenticate(request);
    assert.equal(other?.kind, 'refused');
    const allowed = new RequestHeaderAuthenticator(strict, () => proxy('front-proxy-client', { 'x-remote-user': ['alice'] })).authenticate(request);
    assert.deepEqual(allowed?.kind === 'user' && allowed.user.groups, ['system:authenticated']);
  });
});
