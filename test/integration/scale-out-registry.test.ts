// The registry through three replicas behind haproxy, with blobs every replica shares: skopeo pushes
// through the balancer (its requests land on every replica) and pulls back byte-identical; a
// chunked upload started on one replica is finished on another; `kill -9` of a replica during 20
// concurrent pushes loses no push skopeo acknowledged and leaves no partial blob visible.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { startEtcd, etcdBinary, type EtcdCluster } from '../support/etcd.ts';
import { startHaproxy, haproxyBinary, type LoadBalancer } from '../support/haproxy.ts';
import { missingSwift, startSwift, type S3Endpoint } from '../support/swift.ts';
import { buildOciLayout } from '../support/oci-images.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const skopeoBinary = findExecutable('skopeo');
const skip =
  missingPeer('etcd', etcdBinary, 'apt-get install etcd-server etcd-client') ??
  missingPeer('haproxy', haproxyBinary, 'apt-get install haproxy') ??
  missingPeer('skopeo', skopeoBinary, 'apt-get install skopeo') ??
  missingSwift();

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** The replicas share blobs through one S3 bucket (a real Swift), each keeping its own data dir. */
async function sharedBlobs(swift: S3Endpoint): Promise<string[]> {
  const secret = join(makeTempDir('ims-s3-secret'), 'secret');
  writeFileSync(secret, `${swift.secretAccessKey}\n`, { mode: 0o600 });
  const bucket = await swift.createBucket('balanced');
  return [
    '--blobs',
    's3',
    '--s3-endpoint',
    swift.endpoint,
    '--s3-bucket',
    bucket,
    '--s3-access-key-id',
    swift.accessKeyId,
    '--s3-secret-access-key-file',
    secret,
  ];
}

function skopeo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(skopeoBinary!, ['--insecure-policy', ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the registry through three replicas behind a load balancer', { skip }, () => {
  let etcd: EtcdCluster;
  let swift: S3Endpoint;
  let replicas: RunningServer[];
  let balancer: LoadBalancer;
  let token: string;
  let host: string;
  before(async () => {
    // One after the other, so that `after` stops whichever started when another fails.
    etcd = await startEtcd();
    swift = await startSwift();
    const blobs = await sharedBlobs(swift);
    // Debug logs name every request a replica served, which shows where the balancer sent them.
    const flags = ['--store', 'etcd', '--etcd-endpoints', etcd.endpoints.join(','), '--log-level', 'debug', ...blobs];
    replicas = [];
    for (let i = 0; i < 3; i++) replicas.push(await startServer(flags));
    balancer = await startHaproxy(replicas.map((replica) => `127.0.0.1:${replica.port}`));
    token = replicas[0].adminToken;
    host = `127.0.0.1:${balancer.port}`;
  });
  after(async () => {
    await balancer?.stop();
    for (const replica of replicas ?? []) await replica.stop();
    await etcd?.stop();
    await swift?.stop();
  });

  const registryRequestsOf = (replica: RunningServer, repository: string) =>
    replica
      .logs()
      .split('\n')
      .filter((line) => line.includes(`/v2/${repository}/`)).length;

  it('takes a skopeo push through the balancer on every replica, and gives it back byte-identical', async () => {
    const layout = buildOciLayout('balanced');
    const pushed = await skopeo([
      'copy',
      '--all',
      '--dest-tls-verify=false',
      '--dest-creds',
      `x:${token}`,
      `oci:${layout.dir}:multi`,
      `docker://${host}/default/balanced:v1`,
    ]);
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.deepEqual(
      replicas.map((replica) => registryRequestsOf(replica, 'default/balanced') > 0),
      [true, true, true],
      'the push reached every replica',
    );
    const out = makeTempDir('ims-pulled');
    const pulled = await skopeo([
      'copy',
      '--all',
      '--src-tls-verify=false',
      '--src-creds',
      `x:${token}`,
      `docker://${host}/default/balanced:v1`,
      `oci:${out}:v1`,
    ]);
    assert.equal(pulled.code, 0, pulled.stderr);
    // The index, its three manifests, their configs and the four layers they use, each as pushed.
    const copied = readdirSync(join(out, 'blobs', 'sha256'));
    assert.equal(copied.length, 11);
    const pushedBlobs = new Map(layout.blobs.map((item) => [item.digest, item.bytes]));
    for (const name of copied) {
      const original = pushedBlobs.get(`sha256:${name}`);
      assert.ok(original?.equals(readFileSync(join(out, 'blobs', 'sha256', name))), `sha256:${name} came back byte for byte`);
    }
    assert.ok(copied.includes(layout.refs.multi.digest.slice('sha256:'.length)), 'the index came back');
  });

  it('finishes on one replica a chunked upload started on another', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const [start, finish] = [replicas[0], replicas[2]];
    const content = randomBytes(3 * 1024 * 1024);
    const digest = sha256(content);
    const opened = await fetch(`${start.url}/v2/default/chunked/blobs/uploads/`, { method: 'POST', headers: auth });
    assert.equal(opened.status, 202);
    const location = opened.headers.get('location')!;
    const at = (replica: RunningServer) => new URL(location, replica.url).toString();
    const half = content.length / 2;
    const firstChunk = await fetch(at(start), {
      method: 'PATCH',
      body: content.subarray(0, half),
      headers: { ...auth, 'content-type': 'application/octet-stream', 'content-range': `0-${half - 1}` },
    });
    assert.equal(firstChunk.status, 202);
    const next = new URL(firstChunk.headers.get('location')!, finish.url).toString();
    const secondChunk = await fetch(next, {
      method: 'PATCH',
      body: content.subarray(half),
      headers: { ...auth, 'content-type': 'application/octet-stream', 'content-range': `${half}-${content.length - 1}` },
    });
    assert.equal(secondChunk.status, 202, await secondChunk.clone().text());
    const closing = new URL(secondChunk.headers.get('location')!, finish.url);
    closing.searchParams.set('digest', digest);
    const committed = await fetch(closing, { method: 'PUT', headers: auth });
    assert.equal(committed.status, 201, await committed.clone().text());
    const read = await fetch(`${balancer.url}/v2/default/chunked/blobs/${digest}`, { headers: auth });
    assert.equal(read.status, 200);
    assert.ok(Buffer.from(await read.arrayBuffer()).equals(content));
  });

  it('keeps every push skopeo acknowledged when a replica is killed with SIGKILL during 20 concurrent pushes', { timeout: 240_000 }, async () => {
    const layouts = Array.from({ length: 20 }, (_, i) => buildOciLayout(`crash-${i}`));
    const victim = replicas[1];
    let killed = false;
    const acknowledged: number[] = [];
    await Promise.all(
      layouts.map(async (layout, i) => {
        const pushed = await skopeo([
          'copy',
          '--dest-tls-verify=false',
          '--dest-creds',
          `x:${token}`,
          `oci:${layout.dir}:single`,
          `docker://${host}/default/crash:t${i}`,
        ]);
        if (pushed.code !== 0) return;
        acknowledged.push(i);
        if (!killed) {
          killed = true;
          victim.process.kill('SIGKILL');
        }
      }),
    );
    assert.ok(killed && acknowledged.length > 0, 'no push was acknowledged');
    process.stderr.write(`# ${acknowledged.length} of 20 pushes acknowledged around the kill\n`);
    const creds = ['--tls-verify=false', '--creds', `x:${token}`];
    for (const i of acknowledged) {
      const raw = await skopeo(['inspect', '--raw', ...creds, `docker://${host}/default/crash:t${i}`]);
      assert.equal(raw.code, 0, raw.stderr);
      assert.ok(Buffer.from(raw.stdout).equals(layouts[i].refs.single.bytes), `t${i} is served as it was pushed`);
    }
    // Whatever any push left behind is whole: every blob the survivors serve matches its digest.
    const auth = { authorization: `Bearer ${token}` };
    for (const layout of layouts) {
      for (const item of layout.blobs) {
        const answer = await fetch(`${balancer.url}/v2/default/crash/blobs/${item.digest}`, { headers: auth });
        if (answer.status === 404) continue;
        assert.equal(answer.status, 200);
        assert.equal(sha256(Buffer.from(await answer.arrayBuffer())), item.digest);
      }
    }
  });
});
