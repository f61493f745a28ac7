// The server's access log, from a real `ims serve`: one info line per request with who, what, how
// much and how long, credentials never in it, JSON or text; a watch the client closes is no error.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/** The first log line (parsed) that `match` accepts, waiting for the server to write it. */
async function logLine<T>(server: RunningServer, parse: (line: string) => T | undefined, what: string): Promise<T> {
  for (let waited = 0; waited < 15_000; waited += 25) {
    for (const line of server.logs().split('\n')) {
      const found = line ? parse(line) : undefined;
      if (found !== undefined) return found;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no log line ${what}; the server logged:\n${server.logs()}`);
}

const jsonWithId = (id: string) => (line: string) => {
  const parsed = JSON.parse(line) as Record<string, unknown>;
  return parsed.msg === 'request' && parsed.requestId === id ? parsed : undefined;
};

describe('the access log', () => {
  let server: RunningServer;
  before(async () => {
    const htpasswd = join(makeTempDir('ims-access-log'), 'users.htpasswd');
    writeFileSync(htpasswd, `alice:${bcrypt.hashSync('alice-password', 4)}\n`);
    server = await startServer(['--htpasswd', htpasswd]);
  });
  after(async () => {
    await server.stop();
  });

  it('logs each request at info with method, path, status, bytes, duration, user, client and request id', async () => {
    const response = await fetch(`${server.url}/api/v1/namespaces?limit=5`, {
      headers: { authorization: `Bearer ${server.adminToken}`, 'x-request-id': 'access-1' },
    });
    const body = await response.arrayBuffer();
    const line = await logLine(server, jsonWithId('access-1'), 'for access-1');
    assert.equal(line.level, 'info');
    assert.equal(line.method, 'GET');
    assert.equal(line.path, '/api/v1/namespaces?limit=5');
    assert.equal(line.status, 200);
    assert.equal(line.bytes, body.byteLength);
    assert.equal(typeof line.ms, 'number');
    assert.equal(line.user, 'admin');
    assert.equal(line.client, '127.0.0.1');
  });

  it('names the registry user of a Basic login and an anonymous caller, and never a credential', async () => {
    const basic = Buffer.from(`anyone:${server.adminToken}`).toString('base64');
    await (await fetch(`${server.url}/v2/`, { headers: { authorization: `Basic ${basic}`, 'x-request-id': 'access-2' } })).arrayBuffer();
    await (await fetch(`${server.url}/v2/`, { headers: { 'x-request-id': 'access-3' } })).arrayBuffer();
    await (await fetch(`${server.url}/openshift/token?access_token=${server.adminToken}&scope=x`, { headers: { 'x-request-id': 'access-4' } })).arrayBuffer();
    assert.equal((await logLine(server, jsonWithId('access-2'), 'for access-2')).user, 'admin');
    const anonymous = await logLine(server, jsonWithId('access-3'), 'for access-3');
    assert.equal(anonymous.user, 'system:anonymous');
    assert.equal(anonymous.status, 401);
    const withToken = await logLine(server, jsonWithId('access-4'), 'for access-4');
    assert.equal(withToken.path, '/openshift/token?access_token=REDACTED&scope=x');
    assert.ok(!server.logs().includes(server.adminToken), 'no token in the log');
    assert.ok(!server.logs().includes(basic), 'no Basic credentials in the log');
  });

  it('names the user of a password login, and never the password', async () => {
    const basic = Buffer.from('alice:alice-password').toString('base64');
    const login = await fetch(`${server.url}/oauth/authorize?client_id=openshift-challenging-client&response_type=token`, {
      headers: { authorization: `Basic ${basic}`, 'x-request-id': 'access-login' },
      redirect: 'manual',
    });
    assert.equal(login.status, 302);
    const line = await logLine(server, jsonWithId('access-login'), 'for the login');
    assert.equal(line.user, 'alice');
    assert.ok(!server.logs().includes('alice-password') && !server.logs().includes(basic), 'no password in the log');
    const token = new URLSearchParams(new URL(login.headers.get('location')!).hash.slice(1)).get('access_token')!;
    assert.ok(!server.logs().includes(token), 'no issued token in the log');
  });

  it('logs a watch the client closes once, at info, with its duration, and no error', async () => {
    const path = '/apis/image.openshift.io/v1/namespaces/default/imagestreams?watch=true';
    await new Promise<void>((resolve, reject) => {
      const req = request(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.adminToken}`, 'x-request-id': 'access-watch' } }, (res) => {
        assert.equal(res.statusCode, 200);
        // The watch is open once its headers arrived: hang up as a client would.
        res.destroy();
        resolve();
      });
      req.on('error', reject);
      req.end();
    });
    const line = await logLine(server, jsonWithId('access-watch'), 'for the closed watch');
    assert.equal(line.level, 'info');
    assert.equal(line.status, 200);
    // A request that comes after the watch's line was written: anything the closed watch logged is in by then.
    await (await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'after-watch' } })).arrayBuffer();
    await logLine(server, jsonWithId('after-watch'), 'for the request after the watch');
    const errors = server
      .logs()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.level === 'error');
    assert.deepEqual(errors, []);
  });
});

describe('the access log as text (--log-format text)', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(['--log-format', 'text']);
  });
  after(async () => {
    await server.stop();
  });

  it('writes one readable key=value line per request', async () => {
    await (await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'text-1' } })).arrayBuffer();
    const line = await logLine(server, (l) => (l.includes('requestId=text-1') ? l : undefined), 'with requestId=text-1');
    assert.match(
      line,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO  request method=GET path=\/healthz status=200 bytes=2 ms=\d+ user=- client=127\.0\.0\.1 requestId=text-1$/,
    );
  });
});
