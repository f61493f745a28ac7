import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OAuthFace, type OAuthFaceDeps } from '../../src/api/oauth.ts';
import { MemoryResourceStore } from '../../src/store/memory/memory-resource-store.ts';
import { AppError } from '../../src/errors.ts';
import { TokenService } from '../../src/auth/tokens.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { fakeClock } from '../support/fake-clock.ts';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const authorizeUrl = 'https://ims.example.com/oauth/authorize?response_type=token&client_id=openshift-challenging-client';

function face(overrides: Partial<OAuthFaceDeps> = {}) {
  const lines: string[] = [];
  const deps: OAuthFaceDeps = {
    tokens: { issue: async () => 'sha256~issued', endSession: async () => 'revoked' as const },
    passwords: { check: async (user, password) => user === 'alice' && password === 'wonderland' },
    store: new MemoryResourceStore(),
    clock: fakeClock(),
    logger: createLogger({ level: 'debug', write: (line) => void lines.push(line) }),
    tokenTtlSeconds: 3600,
    ...overrides,
  };
  return { oauth: new OAuthFace(deps), logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

async function login(oauth: OAuthFace, requestId = 'req-1', url = authorizeUrl) {
  const response = await oauth.handle(new Request(url, { headers: { authorization: basic('alice', 'wonderland') } }), requestId);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('OAuth face', () => {
  it('trades good credentials for a token in the redirect fragment', async () => {
    const answer = await login(face().oauth);
    assert.equal(answer.status, 302);
    const location = new URL(answer.headers.get('location') ?? '');
    assert.equal(`${location.origin}${location.pathname}`, 'https://ims.example.com/oauth/token/implicit');
    assert.equal(new URLSearchParams(location.hash.slice(1)).get('access_token'), 'sha256~issued');
  });

  it('refuses with OAuth 2 errors and a challenge, as the challenging client expects', async () => {
    const { oauth } = face();
    const wrong = await oauth.handle(new Request(authorizeUrl, { headers: { authorization: basic('alice', 'nope') } }), 'r');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('www-authenticate'), 'Basic realm="imagestream"');
    assert.deepEqual(await wrong.json(), { error: 'access_denied', error_description: 'Login failed (401 Unauthorized): invalid username or password' });
    const code = await oauth.handle(new Request(authorizeUrl.replace('response_type=token', 'response_type=code')), 'r');
    assert.deepEqual(
      [code.status, await code.json()],
      [400, { error: 'unsupported_response_type', error_description: 'only response_type=token is supported' }],
    );
    const elsewhere = await oauth.handle(new Request('https://ims.example.com/oauth/nothing-here'), 'r');
    assert.deepEqual([elsewhere.status, await elsewhere.json()], [404, { error: 'not_found' }]);
  });

  it('answers a failure it did not expect with server_error, logged with the request id, never echoing it', async () => {
    const { oauth, logs } = face({
      tokens: {
        issue: async () => Promise.reject(new Error('SQLITE_BUSY: database /var/lib/ims/secret.db is locked')),
        endSession: async () => 'revoked' as const,
      },
    });
    const answer = await login(oauth, 'req-42');
    assert.equal(answer.status, 500);
    assert.deepEqual(JSON.parse(answer.text), { error: 'server_error', error_description: 'an internal error occurred' });
    assert.ok(!answer.text.includes('SQLITE') && !answer.text.includes('/var/lib'), answer.text);
    const logged = logs().find((line) => line.level === 'error');
    assert.equal(logged?.requestId, 'req-42');
    assert.match(JSON.stringify(logged), /SQLITE_BUSY/, 'the log keeps what the answer withholds');
  });

  it('does not echo an internal AppError either', async () => {
    const { oauth } = face({ passwords: { check: async () => Promise.reject(new AppError('Internal', 'htpasswd /etc/ims/users.htpasswd: EACCES')) } });
    const answer = await login(oauth);
    assert.deepEqual([answer.status, JSON.parse(answer.text)], [500, { error: 'server_error', error_description: 'an internal error occurred' }]);
  });

  it('answers temporarily_unavailable while the store cannot record the user', async () => {
    const { oauth, logs } = face({
      store: { create: async () => Promise.reject(new AppError('Unavailable', 'the etcd cluster did not answer: 10.0.0.7:2379 refused')) },
    });
    const answer = await login(oauth, 'req-7');
    assert.equal(answer.status, 503);
    assert.deepEqual(JSON.parse(answer.text), { error: 'temporarily_unavailable', error_description: 'logging in is not possible right now; try again later' });
    assert.equal(logs().find((line) => line.level === 'warn')?.requestId, 'req-7');
  });

  it('words a refusal it was told of (a 4xx AppError) in the error description', async () => {
    const { oauth } = face({
      tokens: { issue: async () => Promise.reject(new AppError('Forbidden', 'user "alice" may not log in')), endSession: async () => 'revoked' as const },
    });
    const answer = await login(oauth);
    assert.deepEqual([answer.status, JSON.parse(answer.text)], [401, { error: 'access_denied', error_description: 'user "alice" may not log in' }]);
  });

  it('answers a failed logout on the token endpoint with an OAuth error too', async () => {
    const { oauth } = face({ tokens: { issue: async () => 'x', endSession: async () => Promise.reject(new Error('boom')) } });
    const answer = await oauth.handle(
      new Request('https://ims.example.com/oauth/token', { method: 'DELETE', headers: { authorization: 'Bearer sha256~abc' } }),
      'r',
    );
    assert.deepEqual([answer.status, await answer.json()], [500, { error: 'server_error', error_description: 'an internal error occurred' }]);
  });

  it('ends a session on logout, but keeps the bootstrap token and says so', async () => {
    const store = new MemoryResourceStore();
    const tokens = new TokenService({ store, clock: fakeClock() });
    const { oauth } = face({ tokens, store });
    const logout = (token: string) =>
      oauth.handle(new Request('https://ims.example.com/oauth/token', { method: 'DELETE', headers: { authorization: `Bearer ${token}` } }), 'r');
    const session = await tokens.issue({ kind: 'user', userName: 'admin' }, 3600);
    const bootstrap = await tokens.issue({ kind: 'user', userName: 'admin' }, undefined, { bootstrap: true });
    assert.equal((await logout(session)).status, 204);
    assert.equal(await tokens.lookup(session), undefined, 'the session is over');
    const kept = await logout(bootstrap);
    assert.equal(kept.status, 200);
    assert.deepEqual(await kept.json(), {
      kept: true,
      reason: 'BootstrapToken',
      message: "the bootstrap token in the server's admin.token stays valid; 'ims serve --reset-admin-token' replaces it",
    });
    assert.deepEqual(await tokens.lookup(bootstrap), { kind: 'user', userName: 'admin' });
  });
});
