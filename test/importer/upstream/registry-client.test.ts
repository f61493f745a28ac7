import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryClient, credentialHost, type UpstreamRepository } from '../../../src/importer/upstream/registry-client.ts';
import { CredentialKeyring } from '../../../src/importer/upstream/credentials.ts';
import { createUndiciTransport } from '../../../src/importer/upstream/undici-transport.ts';
import { isAppError } from '../../../src/errors.ts';
import { putImage, startFakeUpstream, type FakeUpstream } from '../../support/fake-upstream.ts';
import { freePort } from '../../support/serve-process.ts';
import { startDockerHubLimits } from '../../support/docker-hub-limits.ts';
import { RegistryBudgets } from '../../../src/importer/upstream/registry-budgets.ts';

// The fake upstreams listen on loopback.
const transport = createUndiciTransport({ connectTimeoutMs: 2000, requestTimeoutMs: 5000, addresses: { allowPrivate: true } });
const keyringFor = (host: string, user: string, password: string) =>
  CredentialKeyring.fromDockerConfigs([{ source: 'pull-secret', content: { auths: { [host]: { username: user, password } } } }]);
const repo = (upstream: FakeUpstream, path = 'org/app'): UpstreamRepository => ({ registry: upstream.host, path, insecure: true });
const noSleep = async () => {};

describe('registry client against a hostile registry', () => {
  let upstream: FakeUpstream;
  let digest: string;
  before(async () => {
    upstream = await startFakeUpstream();
    digest = putImage(upstream, 'org/app', '1.0', 'one');
  });
  after(async () => {
    await upstream.stop();
  });
  const client = () => new RegistryClient({ transport, keyring: CredentialKeyring.empty(), sleep: noSleep });

  it('fetches a manifest by tag over HTTP for an insecure registry, and verifies it by digest', async () => {
    const fetched = await client().fetchManifest(repo(upstream), '1.0');
    assert.equal(fetched.digest, digest);
    assert.equal((await client().fetchManifest(repo(upstream), digest)).digest, digest);
    assert.equal(await client().headManifest(repo(upstream), '1.0'), digest);
  });

  it('refuses a plain HTTP registry that is not marked insecure', async () => {
    await assert.rejects(
      client().fetchManifest({ ...repo(upstream), insecure: false }, '1.0'),
      (e) => isAppError(e, 'BadRequest') && /is HTTP only and requires the insecure flag/.test(e.message),
    );
  });

  it('answers NotFound for a missing tag', async () => {
    await assert.rejects(client().fetchManifest(repo(upstream), 'nope'), (e) => isAppError(e, 'NotFound'));
  });

  it('retries 429 (honouring Retry-After) and 500, then succeeds', async () => {
    const slept: number[] = [];
    upstream.fault(/manifests\/1\.0$/, 1, (res) => res.writeHead(429, { 'retry-after': '2' }).end());
    upstream.fault(/manifests\/1\.0$/, 1, (res) => res.writeHead(503).end());
    const retrying = new RegistryClient({ transport, keyring: CredentialKeyring.empty(), sleep: async (ms) => void slept.push(ms) });
    assert.equal((await retrying.fetchManifest(repo(upstream), '1.0')).digest, digest);
    assert.equal(slept[0], 2000);
    assert.equal(slept.length, 2);
  });

  it('gives up on a registry that keeps answering 429', async () => {
    upstream.fault(/manifests\/1\.0$/, 4, (res) => res.writeHead(429).end());
    await assert.rejects(client().fetchManifest(repo(upstream), '1.0'), (e) => isAppError(e, 'Unavailable') && /rate limiting/.test(e.message));
  });

  it('refuses a manifest whose content does not match the digest asked for', async () => {
    const other = putImage(upstream, 'org/app', undefined, 'two');
    upstream.fault(new RegExp(`manifests/${other}$`), 1, (res) =>
      res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' }).end('{"schemaVersion":2,"tampered":true}'),
    );
    await assert.rejects(client().fetchManifest(repo(upstream), other), (e) => isAppError(e) && /content integrity error/.test(e.message));
  });

  it('refuses a truncated body and a 20 MiB manifest', async () => {
    upstream.fault(/manifests\/1\.0$/, 1, (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"schemaVersion":');
      res.destroy();
    });
    await assert.rejects(client().fetchManifest(repo(upstream), '1.0'), (e) => isAppError(e) && /cut short|terminated|other side closed/i.test(e.message));
    upstream.fault(/manifests\/1\.0$/, 1, (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.alloc(20 * 1024 * 1024, 32)));
    await assert.rejects(client().fetchManifest(repo(upstream), '1.0'), (e) => isAppError(e) && /larger than the limit/.test(e.message));
  });

  it('refuses a blob whose content does not match its digest', async () => {
    const blob = upstream.putBlob('real content');
    upstream.fault(new RegExp(`blobs/${blob}$`), 1, (res) => res.writeHead(200).end('forged content'));
    await assert.rejects(client().fetchBlob(repo(upstream), blob, 1024), (e) => isAppError(e) && /content integrity error/.test(e.message));
  });

  it('reports a registry that does not answer in time as a Timeout', async () => {
    const impatient = createUndiciTransport({ requestTimeoutMs: 300, addresses: { allowPrivate: true } });
    try {
      upstream.fault(/manifests\/1\.0$/, 1, () => {});
      const slow = new RegistryClient({ transport: impatient, keyring: CredentialKeyring.empty(), sleep: noSleep });
      await assert.rejects(
        slow.fetchManifest(repo(upstream), '1.0'),
        (e) => isAppError(e, 'Timeout') && e.message.startsWith(`${upstream.host}: the registry did not answer in time`),
      );
    } finally {
      await impatient.close();
    }
  });

  it('reports an unreachable registry clearly', async () => {
    const port = await freePort();
    await assert.rejects(
      client().fetchManifest({ registry: `127.0.0.1:${port}`, path: 'a/b', insecure: true }, 'x'),
      (e) => isAppError(e) && /connection refused/.test(e.message),
    );
  });
});

describe('registry client authentication', () => {
  it('uses Basic credentials from the keyring and records the secret that served', async () => {
    const upstream = await startFakeUpstream({ basic: { user: 'bot', password: 's3cret' } });
    try {
      const digest = putImage(upstream, 'org/private', 'v1', 'private');
      const client = new RegistryClient({ transport, keyring: keyringFor(upstream.host, 'bot', 's3cret'), sleep: noSleep });
      assert.equal((await client.fetchManifest(repo(upstream, 'org/private'), 'v1')).digest, digest);
      assert.deepEqual([...client.usedCredentials], ['pull-secret']);
      const anonymous = new RegistryClient({ transport, keyring: CredentialKeyring.empty(), sleep: noSleep });
      await assert.rejects(
        anonymous.fetchManifest(repo(upstream, 'org/private'), 'v1'),
        (e) => isAppError(e, 'Unauthorized') && e.subject?.kind === 'anonymous',
      );
      const wrong = new RegistryClient({ transport, keyring: keyringFor(upstream.host, 'bot', 'wrong'), sleep: noSleep });
      await assert.rejects(wrong.fetchManifest(repo(upstream, 'org/private'), 'v1'), (e) => isAppError(e, 'Unauthorized') && e.subject?.kind === 'refused');
    } finally {
      await upstream.stop();
    }
  });

  it('gets a Bearer token from a realm on another host with the credentials stored for that host', async () => {
    const auth = await startFakeUpstream({ bearer: { user: 'robot', password: 'token-pw' } });
    const upstream = await startFakeUpstream({ bearer: { user: 'robot', password: 'token-pw', realmHost: auth.host } });
    try {
      const digest = putImage(upstream, 'org/app', 'v1', 'bearer');
      const keyring = CredentialKeyring.fromDockerConfigs([
        {
          source: 'both',
          content: { auths: { [upstream.host]: { username: 'robot', password: 'wrong-for-realm' }, [auth.host]: { username: 'robot', password: 'token-pw' } } },
        },
      ]);
      const client = new RegistryClient({ transport, keyring, sleep: noSleep });
      assert.equal((await client.fetchManifest(repo(upstream), 'v1')).digest, digest);
      assert.ok(auth.requests.includes('GET /token'), 'the token came from the realm host');
    } finally {
      await upstream.stop();
      await auth.stop();
    }
  });

  it('falls back to anonymous access when the credentials are refused, for public images', async () => {
    const upstream = await startFakeUpstream({ bearer: { user: 'robot', password: 'right' } });
    try {
      putImage(upstream, 'org/app', 'v1', 'x');
      upstream.fault(/^GET \/token$/, 1, (res) => res.writeHead(401).end());
      const client = new RegistryClient({ transport, keyring: keyringFor(upstream.host, 'robot', 'stale'), sleep: noSleep });
      // The anonymous token is refused by this registry too, so the original complaint stands.
      await assert.rejects(client.fetchManifest(repo(upstream), 'v1'), (e) => isAppError(e, 'Unauthorized') && e.subject?.kind === 'refused');
      assert.equal(upstream.requests.filter((r) => r === 'GET /token').length, 2, 'asked once with credentials, once without');
    } finally {
      await upstream.stop();
    }
  });
});

describe('registry client over TLS', () => {
  it('refuses a certificate it cannot verify, and accepts it for an insecure registry', async () => {
    const { createServer } = await import('node:https');
    const { readFileSync } = await import('node:fs');
    const { makeSelfSignedCertificate } = await import('../../support/tls.ts');
    const tls = makeSelfSignedCertificate();
    const server = createServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, (req, res) => {
      if (req.url === '/v2/') return res.writeHead(200).end('{}');
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const client = new RegistryClient({ transport, keyring: CredentialKeyring.empty(), sleep: noSleep });
      await assert.rejects(client.fetchManifest({ registry: host, path: 'a/b', insecure: false }, 'x'), (e) => isAppError(e) && /certificate/i.test(e.message));
      await assert.rejects(
        client.fetchManifest({ registry: host, path: 'a/b', insecure: true }, 'x'),
        (e) => isAppError(e, 'NotFound'),
        'insecure skips verification and gets to the 404',
      );
      const trusting = createUndiciTransport({ extraCaFile: tls.cert, addresses: { allowPrivate: true } });
      const verified = new RegistryClient({ transport: trusting, keyring: CredentialKeyring.empty(), sleep: noSleep });
      await assert.rejects(
        verified.fetchManifest({ registry: host, path: 'a/b', insecure: false }, 'x'),
        (e) => isAppError(e, 'NotFound'),
        '--extra-ca makes it trusted',
      );
      await trusting.close();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('credentials for a plain-HTTP registry named without a port (SPEC §2.10)', () => {
  let upstream: FakeUpstream;
  const real = createUndiciTransport({ connectTimeoutMs: 2000, requestTimeoutMs: 5000, addresses: { allowPrivate: true } });
  // `plain.registry.test` (no port) is the fake upstream; over HTTPS it answers with plain HTTP, as such a registry does.
  const routed = {
    fetch: (url: string, init: Parameters<typeof real.fetch>[1]) =>
      real.fetch(
        url.replace(/^(https?):\/\/plain\.registry\.test/, (_, scheme: string) => `${scheme}://${upstream.host}`),
        init,
      ),
  };
  const secret = (key: string) => ({ source: `for-${key}`, content: { auths: { [key]: { username: 'bot', password: 'pw' } } } });
  before(async () => {
    upstream = await startFakeUpstream({ basic: { user: 'bot', password: 'pw' } });
    putImage(upstream, 'team/app', 'v1', 'plain');
  });
  after(async () => {
    await upstream.stop();
    await real.close();
  });

  const fetchWith = (key: string) =>
    new RegistryClient({ transport: routed, keyring: CredentialKeyring.fromDockerConfigs([secret(key)]), sleep: noSleep }).fetchManifest(
      { registry: 'plain.registry.test', path: 'team/app', insecure: true },
      'v1',
    );

  it('uses a secret stored for host:80', async () => {
    assert.equal((await fetchWith('plain.registry.test:80')).mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  });

  it('does not use a port-less secret, which is for HTTPS', async () => {
    await assert.rejects(fetchWith('plain.registry.test'), (error: unknown) => isAppError(error, 'Unauthorized') && error.subject?.kind === 'anonymous');
  });

  it('keeps a port-less secret for the same host over HTTPS, and no :80 one', () => {
    const keyring = CredentialKeyring.fromDockerConfigs([secret('plain.registry.test'), secret('other.test:80')]);
    assert.equal(keyring.lookup(credentialHost('https://', 'plain.registry.test'), 'team/app')?.source, 'for-plain.registry.test');
    assert.equal(keyring.lookup(credentialHost('https://', 'other.test'), 'team/app'), undefined);
    assert.equal(keyring.lookup(credentialHost('http://', 'other.test'), 'team/app')?.source, 'for-other.test:80');
    assert.equal(credentialHost('http://', 'registry.local:5000'), 'registry.local:5000', 'an explicit port is kept');
  });
});

describe('registry client failure kinds', () => {
  const client = () => new RegistryClient({ transport, keyring: CredentialKeyring.empty(), sleep: noSleep });

  it('calls a refused connection an Upstream failure, not an internal one', async () => {
    const port = await freePort();
    await assert.rejects(
      client().fetchManifest({ registry: `127.0.0.1:${port}`, path: 'a/b', insecure: true }, 'x'),
      (e) => isAppError(e, 'Upstream') && e.message === `dial tcp 127.0.0.1:${port}: connect: connection refused`,
    );
  });

  it('calls a registry that keeps answering 5xx, or resets the connection, an Upstream failure', async () => {
    const upstream = await startFakeUpstream();
    try {
      putImage(upstream, 'org/app', '1.0', 'kinds');
      upstream.fault(/manifests\/1\.0$/, 4, (res) => res.writeHead(503).end());
      await assert.rejects(
        client().fetchManifest(repo(upstream), '1.0'),
        (e) => isAppError(e, 'Upstream') && e.message.endsWith('/v2/org/app/manifests/1.0: the registry answered 503 Service Unavailable'),
      );
      upstream.fault(/manifests\/1\.0$/, 1, (_res, req) => req.socket.destroy());
      await assert.rejects(client().fetchManifest(repo(upstream), '1.0'), (e) => isAppError(e, 'Upstream') && e.message.startsWith(`${upstream.host}: `));
    } finally {
      await upstream.stop();
    }
  });

  it('keeps a 4xx answer it cannot use Internal: the registry is up, and said no', async () => {
    const upstream = await startFakeUpstream();
    try {
      upstream.fault(/manifests\/1\.0$/, 1, (res) => res.writeHead(400).end());
      await assert.rejects(
        client().fetchManifest(repo(upstream), '1.0'),
        (e) => isAppError(e, 'Internal') && /the registry answered 400 Bad Request$/.test(e.message),
      );
    } finally {
      await upstream.stop();
    }
  });

  it('calls a certificate it cannot verify an Upstream failure', async () => {
    const { createServer } = await import('node:https');
    const { readFileSync } = await import('node:fs');
    const { makeSelfSignedCertificate } = await import('../../support/tls.ts');
    const tls = makeSelfSignedCertificate();
    const server = createServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, (_req, res) => res.writeHead(200).end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      await assert.rejects(
        client().fetchManifest({ registry: host, path: 'a/b', insecure: false }, 'x'),
        (e) => isAppError(e, 'Upstream') && e.message.startsWith(`tls: failed to verify certificate of ${host}`),
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('registry client and rate limits', () => {
  const setup = async (limit: number) => {
    const upstream = await startFakeUpstream();
    const hub = await startDockerHubLimits(upstream.host, { limit });
    const budgets = new RegistryBudgets();
    const slept: number[] = [];
    const client = () => new RegistryClient({ transport, keyring: CredentialKeyring.empty(), budgets, sleep: async (ms) => void slept.push(ms) });
    const repository: UpstreamRepository = { registry: hub.host, path: 'org/app', insecure: true };
    const stop = async () => {
      await hub.stop();
      await upstream.stop();
    };
    return { upstream, hub, budgets, client, repository, slept, stop };
  };

  it("keeps the registry's count from its answers: HEAD is free on Docker Hub, a manifest GET is not", async () => {
    const { upstream, hub, budgets, client, repository, stop } = await setup(10);
    try {
      putImage(upstream, 'org/app', '1.0', 'counted');
      assert.ok(await client().headManifest(repository, '1.0'));
      assert.equal(budgets.state(hub.host).available, 10);
      await client().fetchManifest(repository, '1.0');
      assert.equal(budgets.state(hub.host).available, 9);
      assert.equal(budgets.state(hub.host).limit, 10);
    } finally {
      await stop();
    }
  });

  it('sends no manifest GET to a registry that said it is spent, after one HEAD that finds it still is', async () => {
    const { upstream, hub, client, repository, stop } = await setup(1);
    try {
      putImage(upstream, 'org/app', '1.0', 'spent');
      await client().fetchManifest(repository, '1.0');
      const before = hub.requests.length;
      await assert.rejects(
        client().fetchManifest(repository, '1.0'),
        (e) => isAppError(e, 'Unavailable') && e.ociCode === 'TOOMANYREQUESTS' && /rate limit spent \(0 of 1 left\), resets in (6h|5h59m)$/.test(e.message),
      );
      assert.deepEqual(
        hub.requests
          .slice(before)
          .filter((r) => r.path.includes('/manifests/'))
          .map((r) => `${r.method} ${r.path}`),
        ['HEAD /v2/org/app/manifests/1.0'],
      );
      // The window gave one back: the HEAD sees it, and the GET goes.
      hub.setRemaining(1);
      await client().fetchManifest(repository, '1.0');
      assert.equal(hub.counted(), 2);
    } finally {
      await stop();
    }
  });

  it('backs off a host that answered 429 with a long Retry-After: no request to it before then, from any client', async () => {
    const { upstream, hub, client, repository, slept, stop } = await setup(10);
    try {
      putImage(upstream, 'org/app', '1.0', 'quiet');
      hub.askForQuiet(600);
      await assert.rejects(
        client().fetchManifest(repository, '1.0'),
        (e) => isAppError(e, 'Unavailable') && e.ociCode === 'TOOMANYREQUESTS' && /asks to be called again in 10m/.test(e.message),
      );
      assert.deepEqual(slept, [], 'ten minutes are not waited out inside a request');
      const before = hub.requests.length;
      hub.endQuiet();
      await assert.rejects(client().headManifest(repository, '1.0'), (e) => isAppError(e) && e.ociCode === 'TOOMANYREQUESTS' && /Retry-After/.test(e.message));
      await assert.rejects(client().fetchManifest(repository, '1.0'), (e) => isAppError(e) && e.ociCode === 'TOOMANYREQUESTS');
      assert.equal(hub.requests.length, before, 'the host heard nothing more');
    } finally {
      await stop();
    }
  });

  it('waits out a short Retry-After within the request, then asks again', async () => {
    const { upstream, hub, client, repository, slept, stop } = await setup(10);
    try {
      const digest = putImage(upstream, 'org/app', '1.0', 'short');
      upstream.fault(/manifests\/1\.0$/, 1, (res) => res.writeHead(429, { 'retry-after': '3' }).end());
      assert.equal((await client().fetchManifest(repository, '1.0')).digest, digest);
      assert.deepEqual(slept, [3000]);
      assert.equal(hub.requests.filter((r) => r.path.endsWith('/manifests/1.0')).length, 2);
    } finally {
      await stop();
    }
  });
});
