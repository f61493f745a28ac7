import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseServeFlags, serveHelp } from '../../src/server/config.ts';
import { isAppError } from '../../src/errors.ts';

describe('ims serve flags', () => {
  it('logs JSON unless --log-format text, and names the choices for anything else', () => {
    assert.equal(parseServeFlags([]).logFormat, 'json');
    assert.equal(parseServeFlags(['--log-format', 'text']).logFormat, 'text');
    assert.throws(
      () => parseServeFlags(['--log-format=xml']),
      (e: unknown) => isAppError(e, 'BadRequest') && /json or text, not "xml"/.test(e.message),
    );
    assert.match(serveHelp, /--log-format FORMAT/);
  });

  it('ends idle uploads after 24h unless --upload-expiry says otherwise, and refuses less than a second', () => {
    assert.equal(parseServeFlags([]).uploadExpiryMs, 24 * 3_600_000);
    assert.equal(parseServeFlags(['--upload-expiry', '90m']).uploadExpiryMs, 90 * 60_000);
    for (const value of ['0s', '500ms', 'soon']) {
      assert.throws(
        () => parseServeFlags([`--upload-expiry=${value}`]),
        new RegExp(`--upload-expiry must be a duration of at least 1s \\(like 24h or 90m\\), not "${value}"`),
      );
    }
    assert.match(serveHelp, /--upload-expiry DURATION +delete an unfinished blob upload after this long without a byte \(default 24h\)/);
  });

  it('gathers webhook hints for 100ms unless --webhook-coalesce says otherwise, from 0ms to 10s', () => {
    assert.equal(parseServeFlags([]).webhookCoalesceMs, 100);
    assert.equal(parseServeFlags(['--webhook-coalesce', '0ms']).webhookCoalesceMs, 0);
    assert.equal(parseServeFlags(['--webhook-coalesce=2s']).webhookCoalesceMs, 2000);
    for (const value of ['11s', '1m', 'later'])
      assert.throws(() => parseServeFlags([`--webhook-coalesce=${value}`]), new RegExp(`--webhook-coalesce must be a duration from 0ms to 10s`));
    assert.match(serveHelp, /--webhook-coalesce DURATION\n +webhook notifications for one stream/);
  });

  it('refuses private registries unless --allow-private-registries is given, which takes no value', () => {
    assert.equal(parseServeFlags([]).allowPrivateRegistries, false);
    const config = parseServeFlags(['--allow-private-registries', '--store', 'memory']);
    assert.equal(config.allowPrivateRegistries, true);
    assert.equal(config.store, 'memory', 'the next flag is not taken as its value');
    assert.equal(parseServeFlags(['--allow-private-registries=false']).allowPrivateRegistries, false);
    assert.throws(
      () => parseServeFlags(['--allow-private-registries=maybe']),
      (e) => isAppError(e, 'BadRequest') && /--allow-private-registries takes no value/.test(e.message),
    );
  });

  it('reads --allowed-registries as a list of host or host:port patterns, any registry without it', () => {
    assert.equal(parseServeFlags([]).allowedRegistries, undefined);
    assert.deepEqual(parseServeFlags(['--allowed-registries', 'quay.io, *.example.com,registry.local:5000']).allowedRegistries, [
      'quay.io',
      '*.example.com',
      'registry.local:5000',
    ]);
    assert.throws(
      () => parseServeFlags(['--allowed-registries', 'quay.io,https://evil.example']),
      (e) => isAppError(e) && e.message.includes('--allowed-registries takes host or host:port patterns') && e.message.includes('"https://evil.example"'),
    );
  });

  it('teaches both flags in --help', () => {
    assert.match(serveHelp, /--allowed-registries PATTERN,\.\.\./);
    assert.match(serveHelp, /--allow-private-registries +let imports connect to loopback, private and link-local/);
  });

  it('serves HTTPS beside plain HTTP with --listen-tls, which needs the certificate', () => {
    const both = parseServeFlags(['--listen', '127.0.0.1:8080', '--listen-tls', '[::1]:8443', '--tls-cert', 'c.crt', '--tls-key', 'c.key']);
    assert.deepEqual([both.listenHost, both.listenPort, both.listenTls], ['127.0.0.1', 8080, { host: '::1', port: 8443 }]);
    assert.equal(parseServeFlags([]).listenTls, undefined);
    assert.throws(() => parseServeFlags(['--listen-tls', '127.0.0.1:8443']), /--listen-tls needs --tls-cert and --tls-key/);
    assert.throws(() => parseServeFlags(['--listen-tls', '8443', '--tls-cert', 'c', '--tls-key', 'k']), /--listen-tls must be HOST:PORT, not "8443"/);
    assert.match(serveHelp, /--listen-tls HOST:PORT +also serve HTTPS here, from the same server/);
  });
});

describe('ims serve flags for imports that must not stall', () => {
  it('caps concurrent scheduled imports (8, 2 per registry) and bounds upstream waits (10s to connect, 30s for an answer)', () => {
    const config = parseServeFlags([]);
    assert.deepEqual(
      [config.maxConcurrentImports, config.maxConcurrentImportsPerRegistry, config.upstreamConnectTimeoutMs, config.upstreamResponseTimeoutMs],
      [8, 2, 10_000, 30_000],
    );
    const set = parseServeFlags([
      '--max-concurrent-imports',
      '3',
      '--max-concurrent-imports-per-registry=1',
      '--upstream-connect-timeout',
      '2s',
      '--upstream-response-timeout',
      '1m',
    ]);
    assert.deepEqual(
      [set.maxConcurrentImports, set.maxConcurrentImportsPerRegistry, set.upstreamConnectTimeoutMs, set.upstreamResponseTimeoutMs],
      [3, 1, 2000, 60_000],
    );
    assert.throws(() => parseServeFlags(['--max-concurrent-imports', '0']), /--max-concurrent-imports must be a whole number of at least 1, not "0"/);
    assert.throws(() => parseServeFlags(['--upstream-response-timeout', '10ms']), /--upstream-response-timeout must be a duration of at least 1s/);
    assert.match(serveHelp, /--max-concurrent-imports-per-registry N/);
  });

  it("keeps the cluster's review answers as long as the cache TTL flags say, 10s by default", () => {
    assert.deepEqual(parseServeFlags([]).delegatedCache, {
      authenticatedTtlMs: 10_000,
      unauthenticatedTtlMs: 10_000,
      allowedTtlMs: 10_000,
      deniedTtlMs: 10_000,
    });
    assert.equal(parseServeFlags(['--authorization-webhook-cache-unauthorized-ttl', '0s']).delegatedCache.deniedTtlMs, 0);
    assert.throws(() => parseServeFlags(['--authentication-token-webhook-cache-ttl', 'long']), /--authentication-token-webhook-cache-ttl must be a duration/);
    assert.match(serveHelp, /accept the\s+cluster's bearer tokens \(TokenReview\)/);
  });

  it("trusts request headers only with --requestheader-client-ca-file over TLS, with kube's default header names", () => {
    assert.equal(parseServeFlags([]).requestHeader, undefined);
    const tls = ['--tls-cert', 'c.crt', '--tls-key', 'c.key'];
    assert.deepEqual(parseServeFlags([...tls, '--requestheader-client-ca-file', '/pki/front-proxy-ca.crt']).requestHeader, {
      clientCaFile: '/pki/front-proxy-ca.crt',
      allowedNames: [],
      usernameHeaders: ['X-Remote-User'],
      groupHeaders: ['X-Remote-Group'],
      extraHeaderPrefixes: ['X-Remote-Extra-'],
    });
    const custom = parseServeFlags([
      ...tls,
      '--requestheader-client-ca',
      '/ca.crt',
      '--requestheader-allowed-names',
      'front-proxy-client,aggregator',
      '--requestheader-username-headers',
      'X-User',
    ]);
    assert.deepEqual(custom.requestHeader?.allowedNames, ['front-proxy-client', 'aggregator']);
    assert.deepEqual(custom.requestHeader?.usernameHeaders, ['X-User']);
    assert.throws(() => parseServeFlags(['--requestheader-client-ca-file', '/ca.crt']), /needs --tls-cert and --tls-key/);
    assert.throws(() => parseServeFlags(['--requestheader-username-headers', 'X-User']), /needs --requestheader-client-ca-file/);
  });

  it('takes client TLS for etcd (--etcd-ca, --etcd-cert with --etcd-key) only with https:// endpoints', () => {
    const https = ['--store', 'etcd', '--etcd-endpoints', 'https://127.0.0.1:2379'];
    const config = parseServeFlags([...https, '--etcd-ca', 'ca.crt', '--etcd-cert', 'client.crt', '--etcd-key', 'client.key']);
    assert.match(config.etcdTls?.ca ?? '', /\/ca\.crt$/);
    assert.match(config.etcdTls?.key ?? '', /\/client\.key$/);
    assert.equal(parseServeFlags(https).etcdTls, undefined, 'https alone trusts the system CAs');
    assert.throws(() => parseServeFlags([...https, '--etcd-cert', 'client.crt']), /--etcd-cert and --etcd-key go together/);
    assert.throws(
      () => parseServeFlags(['--store', 'etcd', '--etcd-endpoints', 'http://127.0.0.1:2379', '--etcd-ca', 'ca.crt']),
      /need https:\/\/ --etcd-endpoints/,
    );
    assert.throws(() => parseServeFlags(['--etcd-ca', 'ca.crt']), /go with --store etcd/);
    assert.match(serveHelp, /--etcd-cert FILE +client certificate to present to etcd/);
  });

  it('connects a cluster with --kubeconfig [--context] or --in-cluster, embedded without either, pull secrets on unless turned off', () => {
    assert.equal(parseServeFlags([]).cluster, undefined);
    assert.deepEqual(parseServeFlags(['--kubeconfig', '/etc/kube/config', '--context', 'kind-ims']).cluster, {
      kubeconfig: '/etc/kube/config',
      context: 'kind-ims',
      pullSecrets: true,
    });
    assert.deepEqual(parseServeFlags(['--in-cluster', '--cluster-pull-secrets=false']).cluster, {
      kubeconfig: undefined,
      context: undefined,
      pullSecrets: false,
    });
    assert.throws(() => parseServeFlags(['--in-cluster', '--kubeconfig', 'f']), /--kubeconfig and --in-cluster exclude each other/);
    assert.throws(() => parseServeFlags(['--context', 'x']), /--context needs --kubeconfig/);
    assert.match(serveHelp, /--kubeconfig FILE/);
  });
});
