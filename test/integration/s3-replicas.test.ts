// Two `ims serve --store etcd --blobs s3` replicas on one etcd and one real S3 API (Swift): a
// chunked upload begun on one is finished on the other, skopeo pushes through one and pulls the same
// bytes through the other, a prune on one removes the object from the bucket for both, and with
// --s3-redirect blob GETs send clients to a signed URL of the storage.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { startEtcd, etcdBinary, type EtcdCluster } from '../support/etcd.ts';
import { missingSwift, startSwift, type S3Endpoint } from '../support/swift.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';
import { buildOciLayout } from '../support/oci-images.ts';
import { pushOverHttp } from '../support/http-push.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const skopeoBinary = findExecutable('skopeo');
const skip = missingPeer('etcd', etcdBinary, 'apt-get install etcd-server etcd-client') ?? missingSwift();
const sha256 = (data: Uint8Array) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const MiB = 1024 * 1024;

function skopeo(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(skopeoBinary!, ['--insecure-policy', ...args], { maxBuffer: 64 * MiB }, (error, _stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

describe('replicas sharing etcd and S3', { skip }, () => {
  let etcd: EtcdCluster;
  let swift: S3Endpoint;
  let bucket: string;
  let first: RunningServer;
  let second: RunningServer;
  let redirecting: RunningServer | undefined;
  let s3Flags: string[];
  before(async () => {
    // One after the other, so that `after` stops whichever started when the other fails.
    etcd = await startEtcd();
    swift = await startSwift();
    bucket = await swift.createBucket('replicas');
    const secret = join(makeTempDir('ims-s3-secret'), 'secret');
    writeFileSync(secret, `${swift.secretAccessKey}\n`, { mode: 0o600 });
    s3Flags = [
      '--store',
      'etcd',
      '--etcd-endpoints',
      etcd.endpoints.join(','),
      '--blobs',
      's3',
      '--s3-endpoint',
      swift.endpoint,
      '--s3-bucket',
      bucket,
      '--s3-prefix',
      'registry',
      '--s3-access-key-id',
      swift.accessKeyId,
      '--s3-secret-access-key-file',
      secret,
    ];
    first = await startServer(s3Flags);
    second = await startServer(s3Flags);
  });
  after(async () => {
    await first?.stop();
    await second?.stop();
    await redirecting?.stop();
    await etcd?.stop();
    await swift?.stop();
  });

  const auth = () => ({ authorization: `Bearer ${first.adminToken}` });
  const objectExists = async (digest: string) => {
    const client = swift.client();
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: `registry/blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}` }));
      return true;
    } catch {
      return false;
    } finally {
      client.destroy();
    }
  };

  it('finishes on one replica a chunked upload begun on the other, and serves the blob from both', async () => {
    const content = randomBytes(13 * MiB + 777);
    const started = await fetch(`${first.url}/v2/default/chunked/blobs/uploads/`, { method: 'POST', headers: auth() });
    assert.equal(started.status, 202);
    const path = new URL(started.headers.get('location')!, first.url).pathname;
    const chunks = [content.subarray(0, 3 * MiB), content.subarray(3 * MiB, 9 * MiB), content.subarray(9 * MiB)];
    let offset = 0;
    for (const [i, chunk] of chunks.entries()) {
      const server = i % 2 === 0 ? first : second;
      const answer = await fetch(`${server.url}${path}`, {
        method: 'PATCH',
        body: new Uint8Array(chunk),
        headers: { ...auth(), 'content-type': 'application/octet-stream', 'content-range': `${offset}-${offset + chunk.length - 1}` },
      });
      assert.equal(answer.status, 202, await answer.text());
      offset += chunk.length;
      assert.equal(answer.headers.get('range'), `0-${offset - 1}`);
    }
    const status = await fetch(`${first.url}${path}`, { headers: auth() });
    assert.equal(status.headers.get('range'), `0-${content.length - 1}`, 'either replica knows how far the upload is');
    const finished = await fetch(`${second.url}${path}?digest=${sha256(content)}`, { method: 'PUT', headers: auth() });
    assert.equal(finished.status, 201, await finished.text());
    for (const server of [first, second]) {
      const blob = await fetch(`${server.url}/v2/default/chunked/blobs/${sha256(content)}`, { headers: auth() });
      assert.equal(blob.status, 200);
      assert.ok(Buffer.from(await blob.arrayBuffer()).equals(content), `the bytes through ${server.url}`);
      const range = await fetch(`${server.url}/v2/default/chunked/blobs/${sha256(content)}`, { headers: { ...auth(), range: 'bytes=10485750-10485769' } });
      assert.equal(range.status, 206);
      assert.ok(Buffer.from(await range.arrayBuffer()).equals(content.subarray(10485750, 10485770)));
    }
    const client = swift.client();
    const left = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'registry/uploads/' }));
    client.destroy();
    assert.deepEqual(left.Contents ?? [], [], 'no part of the session is left in the bucket');
  });

  it('refuses a wrong digest on the other replica and stores nothing under it', async () => {
    const content = randomBytes(6 * MiB);
    const started = await fetch(`${first.url}/v2/default/wrong/blobs/uploads/`, { method: 'POST', headers: auth() });
    const path = new URL(started.headers.get('location')!, first.url).pathname;
    assert.equal((await fetch(`${first.url}${path}`, { method: 'PATCH', body: new Uint8Array(content), headers: auth() })).status, 202);
    const claimed = sha256(Buffer.from('not these bytes'));
    const refused = await fetch(`${second.url}${path}?digest=${claimed}`, { method: 'PUT', headers: auth() });
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { errors: { code: string }[] }).errors[0].code, 'DIGEST_INVALID');
    assert.equal(await objectExists(claimed), false);
    assert.equal((await fetch(`${first.url}/v2/default/wrong/blobs/${claimed}`, { method: 'HEAD', headers: auth() })).status, 404);
  });

  it(
    'pulls through one replica, byte for byte, what skopeo pushed through the other',
    { skip: missingPeer('skopeo', skopeoBinary, 'apt-get install skopeo') },
    async () => {
      const layout = buildOciLayout('s3');
      const host = (server: RunningServer) => server.url.replace('http://', '');
      const pushed = await skopeo([
        'copy',
        '--dest-tls-verify=false',
        '--dest-creds',
        `x:${first.adminToken}`,
        `oci:${layout.dir}:single`,
        `docker://${host(first)}/default/app:v1`,
      ]);
      assert.equal(pushed.code, 0, pushed.stderr);
      const out = makeTempDir('ims-oci-out');
      const pulled = await skopeo([
        'copy',
        '--src-tls-verify=false',
        '--src-creds',
        `x:${first.adminToken}`,
        `docker://${host(second)}/default/app:v1`,
        `oci:${out}:single`,
      ]);
      assert.equal(pulled.code, 0, pulled.stderr);
      const manifest = JSON.parse(layout.refs.single.bytes.toString()) as { config: { digest: string }; layers: { digest: string }[] };
      for (const digest of [layout.refs.single.digest, manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) {
        const original = layout.blobs.find((b) => b.digest === digest)!.bytes;
        assert.ok(readFileSync(join(out, 'blobs', 'sha256', digest.slice(7))).equals(original), `${digest} came back changed`);
      }
    },
  );

  it('prunes a blob no Image uses from the bucket, and keeps one an Image uses', async () => {
    const orphan = randomBytes(100_000);
    const pushed = await fetch(`${first.url}/v2/default/killed/blobs/uploads/?digest=${sha256(orphan)}`, { method: 'POST', body: orphan, headers: auth() });
    assert.equal(pushed.status, 201);
    assert.equal(await objectExists(sha256(orphan)), true);
    assert.equal((await fetch(`${second.url}/admin/blobs/${sha256(orphan)}?keepYoungerThanSeconds=0`, { method: 'DELETE', headers: auth() })).status, 202);
    assert.equal(await objectExists(sha256(orphan)), false);
    assert.equal((await fetch(`${first.url}/v2/default/killed/blobs/${sha256(orphan)}`, { method: 'HEAD', headers: auth() })).status, 404);

    const image = await pushOverHttp(second.url, first.adminToken, 'default/kept', 'v1', 'kept');
    const manifest = (await (await fetch(`${first.url}/v2/default/kept/manifests/${image}`, { headers: auth() })).json()) as { layers: { digest: string }[] };
    const used = manifest.layers[0].digest;
    assert.equal((await fetch(`${first.url}/admin/blobs/${used}?keepYoungerThanSeconds=0`, { method: 'DELETE', headers: auth() })).status, 409);
    assert.equal(await objectExists(used), true);
  });

  it('sends blob GETs to a signed URL of the storage with --s3-redirect, and skopeo follows it', async () => {
    redirecting = await startServer([...s3Flags, '--s3-redirect']);
    const content = Buffer.from('a layer served by the storage itself');
    await fetch(`${first.url}/v2/default/redirected/blobs/uploads/?digest=${sha256(content)}`, { method: 'POST', body: content, headers: auth() });
    const answer = await fetch(`${redirecting.url}/v2/default/redirected/blobs/${sha256(content)}`, { headers: auth(), redirect: 'manual' });
    assert.equal(answer.status, 307);
    const location = answer.headers.get('location')!;
    assert.ok(location.startsWith(`${swift.endpoint}/${bucket}/registry/blobs/sha256/`), location);
    assert.equal(await (await fetch(location)).text(), content.toString());
    const head = await fetch(`${redirecting.url}/v2/default/redirected/blobs/${sha256(content)}`, { method: 'HEAD', headers: auth(), redirect: 'manual' });
    assert.equal(head.status, 200, 'HEAD is answered by the registry');
    const unknown = await fetch(`${redirecting.url}/v2/default/other/blobs/${sha256(content)}`, { headers: auth(), redirect: 'manual' });
    assert.equal(unknown.status, 404, 'a repository without the blob gets no URL to it');
    if (skopeoBinary) {
      await pushOverHttp(first.url, first.adminToken, 'default/viaredirect', 'v1', 'redirect');
      const out = makeTempDir('ims-oci-redirect');
      const pulled = await skopeo([
        'copy',
        '--src-tls-verify=false',
        '--src-creds',
        `x:${first.adminToken}`,
        `docker://${redirecting.url.replace('http://', '')}/default/viaredirect:v1`,
        `oci:${out}:v1`,
      ]);
      assert.equal(pulled.code, 0, pulled.stderr);
    }
  });

  it('refuses to start on a bucket that is not there, naming it', async () => {
    const flags = s3Flags.map((flag) => (flag === bucket ? 'no-such-bucket' : flag));
    await assert.rejects(startServer(flags), /S3 bucket "no-such-bucket" at http:\/\/127\.0\.0\.1:\d+ does not exist/);
  });

  it('answers 503 UNAVAILABLE for blobs while the storage is down, goes on serving the rest, and logs no secret', async () => {
    const content = Buffer.from('stored before the outage');
    await fetch(`${first.url}/v2/default/outage/blobs/uploads/?digest=${sha256(content)}`, { method: 'POST', body: content, headers: auth() });
    await swift.stop();
    const answer = await fetch(`${second.url}/v2/default/outage/blobs/${sha256(content)}`, { headers: auth() });
    assert.equal(answer.status, 503);
    assert.equal(((await answer.json()) as { errors: { code: string }[] }).errors[0].code, 'UNAVAILABLE');
    assert.equal((await fetch(`${second.url}/healthz`)).status, 200, 'the server itself goes on');
    for (const server of [first, second]) assert.ok(!server.logs().includes(swift.secretAccessKey), 'the S3 secret is in no log line');
  });
});
