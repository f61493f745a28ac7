// `ims serve` as a process: listener, bootstrap, health, metrics, logs, limits and shutdown.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/serve-process.ts';

describe('ims serve', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(['--log-level', 'debug']);
  });
  after(async () => {
    await server.stop();
  });

  it('writes the bootstrap admin token readable by its owner only', () => {
    const mode = statSync(join(server.dataDir, 'admin.token')).mode & 0o777;
    assert.equal(mode, 0o600);
    assert.match(server.adminToken, /^sha256~[\w-]{43}$/);
  });

  it('answers /healthz and /readyz without a token', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const response = await fetch(server.url + path);
      assert.equal(response.status, 200);
      assert.equal(await response.text(), 'ok');
    }
  });

  it('serves Prometheus metrics to the admin only', async () => {
    assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
    await fetch(`${server.url}/api/v1/namespaces`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /# TYPE ims_http_requests_total counter/);
    assert.match(text, /ims_http_requests_total\{face="api",method="GET",code="200"\} \d+/);
    assert.match(text, /ims_http_request_duration_seconds_bucket\{face="api",method="GET",le="0.005"\}/);
  });

  it('logs JSON lines with the request id it returns, and never the token', async () => {
    const response = await fetch(`${server.url}/api/v1/namespaces/default/secrets/nope`, {
      headers: { authorization: `Bearer ${server.adminToken}`, 'x-request-id': 'trace-me-1' },
    });
    assert.equal(response.headers.get('x-request-id'), 'trace-me-1');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const lines = server
      .logs()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const line = lines.find((l) => l.requestId === 'trace-me-1');
    assert.ok(line, 'a log line carries the request id');
    assert.equal(line.status, 404);
    assert.ok(!server.logs().includes(server.adminToken), 'the token never reaches the logs');
  });

  it('refuses an oversized body with 413 before reading it all', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'big' }, data: { x: 'A'.repeat(4 * 1024 * 1024) } });
    const response = await fetch(`${server.url}/api/v1/namespaces/default/secrets`, {
      method: 'POST',
      body,
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    });
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as { reason: string }).reason, 'RequestEntityTooLarge');
  });

  it('keeps data across a restart and does not issue a second bootstrap token', async () => {
    const created = await fetch(`${server.url}/api/v1/namespaces/default/secrets`, {
      method: 'POST',
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'kept' }, stringData: { a: 'b' } }),
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    });
    assert.equal(created.status, 201);
    assert.equal(await server.stop(), 0, 'SIGTERM drains and exits 0');
    const again = await startServer([], { dataDir: server.dataDir });
    try {
      assert.equal(again.adminToken, server.adminToken);
      const read = await fetch(`${again.url}/api/v1/namespaces/default/secrets/kept`, { headers: { authorization: `Bearer ${again.adminToken}` } });
      assert.equal(read.status, 200);
    } finally {
      server = again;
    }
  });

  it('ends open watches on SIGTERM and still exits 0', async () => {
    const watch = await fetch(`${server.url}/api/v1/namespaces/default/secrets?watch=true`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    assert.equal(watch.status, 200);
    const reading = watch.text().catch(() => '');
    assert.equal(await server.stop(), 0);
    await reading;
  });

  it('refuses bad flags with a clear message', async () => {
    await assert.rejects(startServer(['--import-interval', '500ms']), /--import-interval must be a duration of at least 1s/);
    await assert.rejects(startServer(['--store', 'mysql']), /--store must be sqlite, memory or etcd/);
  });
});
