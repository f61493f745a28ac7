import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryClient } from '../../../src/importer/upstream/registry-client.ts';
import { CredentialKeyring } from '../../../src/importer/upstream/credentials.ts';
import { createUndiciTransport } from '../../../src/importer/upstream/undici-transport.ts';
import type { AddressGuardOptions } from '../../../src/importer/upstream/address-guard.ts';
import { isAppError } from '../../../src/errors.ts';
import { putImage, startFakeUpstream, type FakeUpstream } from '../../support/fake-upstream.ts';

const noSleep = async () => {};
const forbidden = (pattern: RegExp) => (error: unknown) => isAppError(error, 'Forbidden') && pattern.test(error.message);
const portOf = (upstream: FakeUpstream) => upstream.host.split(':')[1];

/**
 * Every fake upstream listens on 127.0.0.1, so "an allowed registry" is one the guard exempts by
 * name, as it exempts this server's own registry; everything else on loopback must be refused.
 */
function clientWith(guard: AddressGuardOptions, keyring = CredentialKeyring.empty()) {
  const transport = createUndiciTransport({ connectTimeoutMs: 2000, requestTimeoutMs: 5000, addresses: guard });
  return { client: new RegistryClient({ transport, keyring, sleep: noSleep }), close: () => transport.close() };
}

describe('the address guard on import connections', () => {
  let allowed: FakeUpstream;
  let internal: FakeUpstream;
  before(async () => {
    allowed = await startFakeUpstream();
    internal = await startFakeUpstream();
    putImage(allowed, 'org/app', 'v1', 'allowed');
    putImage(internal, 'org/app', 'v1', 'internal');
  });
  after(async () => {
    await allowed.stop();
    await internal.stop();
  });

  it('refuses a registry named by a loopback address, and never connects to it', async () => {
    const { client, close } = clientWith({ allowPrivate: false });
    try {
      const before = internal.requests.length;
      await assert.rejects(
        client.fetchManifest({ registry: internal.host, path: 'org/app', insecure: true }, 'v1'),
        forbidden(new RegExp(`registry "${internal.host}" is forbidden: "${internal.host}" is a loopback address.*--allow-private-registries`)),
      );
      await assert.rejects(
        client.fetchManifest({ registry: `[::ffff:127.0.0.1]:${portOf(internal)}`, path: 'org/app', insecure: true }, 'v1'),
        forbidden(/is a loopback address/),
        'an IPv4-mapped IPv6 address is the same address',
      );
      assert.equal(internal.requests.length, before, 'not a single request reached it');
    } finally {
      await close();
    }
  });

  it('refuses a name that resolves to loopback, as localhost does, unless private registries are allowed', async () => {
    const refusing = clientWith({ allowPrivate: false });
    const allowing = clientWith({ allowPrivate: true });
    try {
      const repository = { registry: `localhost:${portOf(internal)}`, path: 'org/app', insecure: true };
      const before = internal.requests.length;
      await assert.rejects(refusing.client.fetchManifest(repository, 'v1'), forbidden(/"localhost" resolves to (127\.0\.0\.1|::1), a loopback address/));
      assert.equal(internal.requests.length, before);
      assert.ok((await allowing.client.fetchManifest(repository, 'v1')).digest, 'with --allow-private-registries it connects');
    } finally {
      await refusing.close();
      await allowing.close();
    }
  });

  it('refuses a name when any of its addresses is private, so a second answer cannot rebind it', async () => {
    const answers = [
      { address: '93.184.215.14', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    const { client, close } = clientWith({ allowPrivate: false, lookup: (_name, _options, callback) => callback(null, answers) });
    try {
      await assert.rejects(
        client.fetchManifest({ registry: 'registry.rebind.example', path: 'org/app', insecure: false }, 'v1'),
        forbidden(/"registry\.rebind\.example" resolves to 10\.0\.0\.7, a private address/),
      );
    } finally {
      await close();
    }
  });

  it('connects a name to the address it checked, and checks again on every new connection', async () => {
    // 127.0.0.1 plays a public address here; later answers rebind the name to a private one.
    let rebound = false;
    const guard: AddressGuardOptions = {
      allowPrivate: false,
      refusal: (address) => (address === '127.0.0.1' ? undefined : 'a private address'),
      lookup: (_name, _options, callback) => callback(null, [{ address: rebound ? '10.0.0.9' : '127.0.0.1', family: 4 }]),
    };
    const repository = { registry: `registry.rebind.example:${portOf(internal)}`, path: 'org/app', insecure: true };
    const first = clientWith(guard);
    const second = clientWith(guard);
    try {
      assert.ok((await first.client.fetchManifest(repository, 'v1')).digest, 'the first answer is allowed, and used');
      rebound = true;
      await assert.rejects(second.client.fetchManifest(repository, 'v1'), forbidden(/resolves to 10\.0\.0\.9, a private address/));
    } finally {
      await first.close();
      await second.close();
    }
  });

  it("refuses the server's own addresses even when they are public", async () => {
    const { client, close } = clientWith({ allowPrivate: false, ownAddresses: () => ['8.8.8.8'] });
    try {
      await assert.rejects(
        client.fetchManifest({ registry: '8.8.8.8:5000', path: 'org/app', insecure: true }, 'v1'),
        forbidden(/one of this server's own addresses/),
      );
    } finally {
      await close();
    }
  });

  it('does not follow a redirect from an allowed registry to a private address', async () => {
    const { client, close } = clientWith({ allowPrivate: false, alwaysAllowed: [allowed.host] });
    try {
      const repository = { registry: allowed.host, path: 'org/app', insecure: true };
      assert.ok((await client.fetchManifest(repository, 'v1')).digest, 'the allowed registry itself is reachable');
      const before = internal.requests.length;
      allowed.fault(/manifests\/v1$/, 1, (res) => res.writeHead(307, { location: `http://localhost:${portOf(internal)}/v2/org/app/manifests/v1` }).end());
      await assert.rejects(client.fetchManifest(repository, 'v1'), forbidden(new RegExp(`registry "${allowed.host}" is forbidden: "localhost" resolves to`)));
      allowed.fault(/manifests\/v1$/, 1, (res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end());
      await assert.rejects(
        client.fetchManifest(repository, 'v1'),
        forbidden(/"169\.254\.169\.254:80" is a link-local address/),
        'not even the cloud metadata service',
      );
      assert.equal(internal.requests.length, before, 'the redirect target was never asked');
    } finally {
      await close();
    }
  });

  it('does not send credentials to a token realm on a private address, nor forward its token', async () => {
    const registry = await startFakeUpstream({ bearer: { user: 'robot', password: 'pw', realmHost: internal.host } });
    const keyring = CredentialKeyring.fromDockerConfigs([
      {
        source: 'creds',
        content: { auths: { [registry.host]: { username: 'robot', password: 'pw' }, [internal.host]: { username: 'robot', password: 'pw' } } },
      },
    ]);
    const { client, close } = clientWith({ allowPrivate: false, alwaysAllowed: [registry.host] }, keyring);
    try {
      putImage(registry, 'org/app', 'v1', 'behind-a-token');
      const before = internal.requests.length;
      await assert.rejects(
        client.fetchManifest({ registry: registry.host, path: 'org/app', insecure: true }, 'v1'),
        forbidden(new RegExp(`"${internal.host}" is a loopback address`)),
      );
      assert.equal(internal.requests.length, before, 'the realm got no request, so no credentials');
      assert.deepEqual(
        registry.requests.filter((r) => r.includes('/manifests/')),
        ['GET /v2/org/app/manifests/v1'],
        'asked once, with no token to show',
      );
    } finally {
      await close();
      await registry.stop();
    }
  });
});
