// Rate limits are a budget: a Docker Hub stand-in (its headers, free HEADs, 429s) in front of a real
// distribution registry, beside that registry reached directly. A real server spends what the
// stand-in says is left and defers the rest with a condition saying so, imports the rest once the
// window gives requests back, sends nothing to a host that answered 429 with Retry-After until
// then, and shows it all in `describe is`, /metrics and its logs. Asserted by counting what the
// stand-in received, never by timing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { startDockerHubLimits, type DockerHubLimits } from '../support/docker-hub-limits.ts';
import { distributionBinary, startDistribution } from '../support/distribution-registry.ts';
import { pushOverHttp } from '../support/http-push.ts';
import { missingPeer } from '../support/peers.ts';
import { cliSession } from '../support/run-cli.ts';

const skip = missingPeer('docker-registry (distribution 2.8)', distributionBinary, 'apt-get install docker-registry');
const streams = '/apis/image.openshift.io/v1/namespaces/default/imagestreams';
const limited = ['a', 'b', 'c', 'd'];
const dockerManifest = 'application/vnd.docker.distribution.manifest.v2+json';
const dockerList = 'application/vnd.docker.distribution.manifest.list.v2+json';

/** Polls `read` until `done` holds or `ms` pass; the caller asserts on what it got. */
async function within<T>(ms: number, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('scheduled imports spend a registry rate limit as a budget', { skip }, () => {
  let distribution: Awaited<ReturnType<typeof startDistribution>>;
  let hub: DockerHubLimits;
  let server: RunningServer;
  const ims = cliSession();
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (path === '/metrics' ? response.text() : response.json()) as Promise<any>;
  };
  const push = (repository: string, label: string) => pushOverHttp(`http://${distribution.host}`, 'unused', repository, 'v1', label);
  /** Pushes a manifest list of an amd64 and an arm64 image as `v1`; returns the amd64 child's digest. */
  const pushList = async (repository: string, label: string) => {
    const url = `http://${distribution.host}`;
    const children = [];
    for (const architecture of ['amd64', 'arm64']) {
      const digest = await pushOverHttp(url, 'unused', repository, undefined, `${label}-${architecture}`);
      const head = await fetch(`${url}/v2/${repository}/manifests/${digest}`, { method: 'HEAD', headers: { accept: dockerManifest } });
      children.push({ mediaType: dockerManifest, digest, size: Number(head.headers.get('content-length')), platform: { architecture, os: 'linux' } });
    }
    const list = JSON.stringify({ schemaVersion: 2, mediaType: dockerList, manifests: children });
    const put = await fetch(`${url}/v2/${repository}/manifests/v1`, { method: 'PUT', body: list, headers: { 'content-type': dockerList } });
    assert.equal(put.status, 201, await put.text());
    return children[0].digest;
  };
  const scheduled = (name: string, from: string) => ({
    metadata: { name },
    spec: { tags: [{ name: 'v1', from: { kind: 'DockerImage', name: from }, importPolicy: { scheduled: true, insecure: true } }] },
  });
  const tagOf = async (name: string) => (await api('GET', `${streams}/${name}`)).status?.tags?.find((t: { tag: string }) => t.tag === 'v1');
  const states = () => Promise.all(limited.map(tagOf));
  const checks = async () => Number(/^ims_scheduled_import_checks_total (\d+)$/m.exec(await api('GET', '/metrics'))?.[1] ?? 0);

  before(async () => {
    distribution = await startDistribution();
    hub = await startDockerHubLimits(distribution.host, { limit: 100 });
    for (const name of [...limited, 'healthy']) await push(`org/${name}`, `${name}-1`);
    await pushList('org/multi', 'multi-1');
    server = await startServer(['--import-interval', '1s', '--max-scheduled-imports-per-minute', '0']);
    for (const name of [...limited, 'multi']) await api('POST', streams, scheduled(name, `${hub.host}/org/${name}:v1`));
    await api('POST', streams, scheduled('healthy', `${distribution.host}/org/healthy:v1`));
    await api('POST', streams, scheduled('missing', `${distribution.host}/org/missing:v1`));
    const everyStream = () => Promise.all([...limited, 'multi'].map(tagOf));
    const imported = await within(30_000, everyStream, (tags) => tags.every((t) => t?.items?.length === 1));
    assert.ok(
      imported.every((t) => t?.items?.length === 1),
      JSON.stringify(imported),
    );
    // The import controller pulls each new tag once; the scheduler only checks it with HEADs from then on.
    assert.equal(hub.counted(), limited.length + 1, 'one pull for each new tag (the manifest list: one for the platform taken)');
    const login = await ims.run(['login', server.url, '--token', server.adminToken]);
    assert.equal(login.code, 0, login.stderr);
  });
  after(async () => {
    await server?.stop();
    await hub?.stop();
    await distribution?.stop();
  });

  it('imports as many moved tags as the registry has left, defers the others with a condition saying so, and never earns a 429', async () => {
    hub.setRemaining(2);
    const counted = hub.counted();
    const moved = await Promise.all(limited.map((name) => push(`org/${name}`, `${name}-2`)));
    const settled = (tags: any[]) =>
      tags.filter((t, i) => t?.items?.[0]?.image === moved[i]).length === 2 && tags.filter((t) => t?.conditions?.[0]?.reason === 'RateLimited').length === 2;
    const tags = await within(30_000, states, settled);
    assert.ok(settled(tags), JSON.stringify(tags, null, 1));
    assert.equal(hub.counted() - counted, 2, 'one manifest GET for each imported tag, none for the deferred');
    assert.deepEqual(
      hub.requests.filter((r) => r.status === 429),
      [],
    );
    for (const tag of tags.filter((t) => t.conditions)) {
      const [condition] = tag.conditions;
      assert.equal(condition.status, 'False');
      assert.match(
        condition.message,
        new RegExp(`^deferred: rate limit of ${hub.host.replace(/\./g, '\\.')}, resets in (6h|5h\\d+m) \\(next attempt at \\S+Z\\)$`),
      );
      assert.equal(tag.items.length, 1, 'a deferred tag keeps its current image');
    }
  });

  it('imports the deferred tags once the window gives requests back, and clears their condition', async () => {
    const counted = hub.counted();
    hub.setRemaining(10);
    const done = (tags: any[]) => tags.every((t) => t?.items?.length === 2 && !t.conditions);
    const tags = await within(30_000, states, done);
    assert.ok(done(tags), JSON.stringify(tags, null, 1));
    assert.equal(hub.counted() - counted, 2, 'only the two deferred tags cost a GET: the others were checked with HEADs');
  });

  it('counts a moved manifest list as Docker Hub does: one pull for the platform taken, so one left is enough', async () => {
    hub.setRemaining(1);
    const counted = hub.counted();
    const seen = hub.requests.length;
    const child = await pushList('org/multi', 'multi-2');
    const tag = await within(
      30_000,
      () => tagOf('multi'),
      (t) => t?.items?.[0]?.image === child || t?.conditions !== undefined,
    );
    assert.equal(tag?.items?.[0]?.image, child, JSON.stringify(tag));
    assert.equal(tag.conditions, undefined);
    assert.equal(hub.counted() - counted, 1);
    assert.deepEqual(
      hub.requests.slice(seen).filter((r) => r.status === 429),
      [],
    );
  });

  it('sends nothing to a host that answered 429 with Retry-After, while the other registry goes on', async () => {
    hub.askForQuiet(600);
    await push('org/a', 'a-3');
    const healthy = await push('org/healthy', 'healthy-2');
    const deferred = await within(
      30_000,
      () => tagOf('a'),
      (t) => t?.conditions?.[0]?.reason === 'RateLimited',
    );
    assert.match(deferred?.conditions?.[0]?.message ?? '', /^deferred: rate limit of \S+, resets in (10m|9m\d+s) \(next attempt at \S+Z\)$/);
    const quietSince = hub.requests.findIndex((r) => r.status === 429);
    assert.ok(quietSince >= 0);
    hub.endQuiet();
    // Rounds go on (the healthy registry's moved tag is imported; more visits are counted), and
    // the stand-in hears nothing more: at most a request that was on its way with the first 429.
    const imported = await within(
      30_000,
      () => tagOf('healthy'),
      (t) => t?.items?.[0]?.image === healthy,
    );
    assert.equal(imported?.items?.[0]?.image, healthy);
    const visits = await checks();
    assert.ok((await within(30_000, checks, (n) => n >= visits + 5)) >= visits + 5);
    const since = hub.requests.slice(quietSince + 1);
    assert.ok(since.length <= 1, `requests after the 429: ${JSON.stringify(since)}`);
  });

  it('shows in describe is when a deferred or failed tag is tried next', async () => {
    const a = await ims.run(['describe', 'is/a']);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /^ {2}! deferred: rate limit of \S+, resets in (10m|9m\d+s)$/m);
    assert.match(a.stdout, /^ {6}Next attempt: in (10m|9m\d+s) \(when the registry allows\)$/m);
    assert.doesNotMatch(a.stdout, /next attempt at/, 'the note is read, not printed');
    const missing = await ims.run(['describe', 'is/missing']);
    assert.match(missing.stdout, /^ {2}! error: Import failed \(NotFound\): dockerimage\.image\.openshift\.io "\S+\/org\/missing:v1" not found$/m);
    assert.match(missing.stdout, /^ {6}Next attempt: (in \d+s|due now) \(retrying with backoff\)$/m);
  });

  it('counts requests, budget, deferrals and results per registry in /metrics, and logs failed scheduled imports', async () => {
    const metrics: string = await api('GET', '/metrics');
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}.[\]]/g, '\\$&')} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
    const hubLabel = `registry="${hub.host}"`;
    assert.ok(value(`ims_upstream_requests_total{${hubLabel},method="HEAD",code="200"}`) > 0, metrics);
    assert.ok(value(`ims_upstream_requests_total{${hubLabel},method="GET",code="200"}`) >= 6, metrics);
    // The 429 met whichever request came first after the quiet began (the ping of /v2/, or a HEAD).
    assert.ok(
      new RegExp(`^ims_upstream_requests_total\\{${hubLabel.replace(/\./g, '\\.')},method="(GET|HEAD)",code="429"\\} [12]$`, 'm').test(metrics),
      metrics,
    );
    assert.equal(value(`ims_upstream_rate_limit{${hubLabel}}`), 100);
    assert.ok(value(`ims_upstream_rate_limit_remaining{${hubLabel}}`) >= 0);
    assert.ok(value(`ims_scheduled_imports_deferred_total{${hubLabel}}`) >= 3, metrics);
    for (const result of ['imported', 'unchanged', 'failed', 'deferred'])
      assert.ok(value(`ims_scheduled_imports_total{result="${result}"}`) > 0, `${result}: ${metrics}`);
    assert.ok(value(`ims_scheduled_import_duration_seconds_count{${hubLabel}}`) > 0, metrics);
    const failures = server
      .logs()
      .split('\n')
      .filter((line) => line.includes('"scheduled import failed"'))
      .map((line) => JSON.parse(line));
    assert.ok(
      failures.some((f) => f.stream === 'default/missing' && f.tag === 'v1' && f.reason === 'NotFound'),
      JSON.stringify(failures),
    );
  });
});
