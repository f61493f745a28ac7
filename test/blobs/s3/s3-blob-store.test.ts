// The S3 BlobStore against a real S3 API (Swift's s3api, started on loopback): the contract every
// backend meets, and what only S3 has to get right — parts of at least 5 MiB however small the
// chunks, sessions that another process continues, abandoned multipart uploads, signed redirects.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CreateMultipartUploadCommand, ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { isAppError } from '../../../src/errors.ts';
import { S3BlobStore } from '../../../src/blobs/s3/s3-blob-store.ts';
import { S3BlobDriver } from '../../../src/blobs/s3/s3-blob-driver.ts';
import { ContentAddressedBlobStore } from '../../../src/blobs/content-addressed-blob-store.ts';
import type { AppendState } from '../../../src/blobs/blob-driver.ts';
import type { Clock } from '../../../src/lib/clock.ts';
import { describeBlobStoreContract, readAll, sha256 } from '../../contracts/blob-store.contract.ts';
import { missingSwift, startSwift, type S3Endpoint } from '../../support/swift.ts';
import { fakeClock } from '../../support/fake-clock.ts';

const skip = missingSwift();
const MiB = 1024 * 1024;

let swift: S3Endpoint | undefined;
const swiftReady = skip ? undefined : startSwift().then((started) => (swift = started));

const buckets = new WeakMap<object, string>();

async function openStore(options: { clock?: Clock; bucket?: string; redirectTtlSeconds?: number } = {}): Promise<S3BlobStore> {
  const s3 = (await swiftReady)!;
  const bucket = options.bucket ?? (await s3.createBucket('contract'));
  const store = new S3BlobStore(
    { endpoint: s3.endpoint, bucket, prefix: 'ims', region: s3.region, credentials: s3, partSize: 5 * MiB },
    { clock: options.clock, redirectTtlSeconds: options.redirectTtlSeconds },
  );
  buckets.set(store, bucket);
  return store;
}

if (!skip) {
  describeBlobStoreContract('s3', {
    open: (options) => openStore(options),
    reopen: (store, options) => openStore({ ...options, bucket: buckets.get(store) }),
  });
}

describe('S3BlobStore on a real S3 API', { skip }, () => {
  before(async () => void (await swiftReady));
  after(async () => await swift?.stop());

  it('sends parts of at least 5 MiB however small the chunks, and goes on from another process', async () => {
    const first = await openStore();
    const bucket = buckets.get(first)!;
    const second = await openStore({ bucket });
    const content = randomBytes(12 * MiB + 4321);
    const upload = await first.startUpload();
    // 1.5 MiB chunks, each through the other "replica": nothing but the stored session connects them.
    let offset = 0;
    for (let i = 0; offset < content.length; i++) {
      const chunk = content.subarray(offset, offset + 1.5 * MiB);
      const store = i % 2 === 0 ? first : second;
      assert.equal((await store.appendUpload(upload.id, offset, chunk)).size, offset + chunk.length);
      offset += chunk.length;
    }
    const client = swift!.client();
    const pending = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: `ims/uploads/${upload.id}/` }));
    assert.equal(pending.Uploads?.length, 1, 'one multipart upload for the session');
    const parts = await client.send(new ListPartsCommand({ Bucket: bucket, Key: pending.Uploads![0].Key, UploadId: pending.Uploads![0].UploadId }));
    assert.deepEqual(
      parts.Parts?.map((p) => p.Size! >= 5 * MiB),
      [true, true],
      'two full parts so far; the rest waits in the tail',
    );
    await assert.rejects(second.stat(sha256(content)), /blob unknown/);
    assert.deepEqual(await second.commitUpload(upload.id, sha256(content)), { digest: sha256(content), size: content.length });
    assert.ok((await readAll(await first.read(sha256(content)))).equals(content));
    const across = { start: 5 * MiB - 10, end: 5 * MiB + 9 };
    assert.ok(
      (await readAll(await first.read(sha256(content), across))).equals(content.subarray(across.start, across.end + 1)),
      'a range across a part boundary',
    );
    const left = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'ims/uploads/' }));
    assert.deepEqual(left.Contents ?? [], [], 'nothing of the session is left');
    assert.deepEqual((await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? [], []);
    client.destroy();
  });

  it('makes nothing visible for a wrong digest, and the session can still be finished', async () => {
    const store = await openStore();
    const content = randomBytes(6 * MiB);
    const upload = await store.startUpload();
    await store.appendUpload(upload.id, 0, content);
    const claimed = sha256(Buffer.from('something else'));
    await assert.rejects(store.commitUpload(upload.id, claimed), /did not match/);
    const client = swift!.client();
    const blobs = await client.send(new ListObjectsV2Command({ Bucket: buckets.get(store), Prefix: 'ims/blobs/' }));
    client.destroy();
    assert.deepEqual(blobs.Contents ?? [], []);
    assert.equal((await store.commitUpload(upload.id, sha256(content))).size, content.length);
  });

  it('refuses to assemble a part another writer overwrote, rather than store bytes the digest never saw', async () => {
    const store = await openStore();
    const bucket = buckets.get(store)!;
    const content = randomBytes(6 * MiB);
    const upload = await store.startUpload();
    await store.appendUpload(upload.id, 0, content);
    // A second append racing on the same session (another replica) lands its own first part last.
    const client = swift!.client();
    const pending = (await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: `ims/uploads/${upload.id}/` }))).Uploads![0];
    await client.send(new UploadPartCommand({ Bucket: bucket, Key: pending.Key, UploadId: pending.UploadId, PartNumber: 1, Body: randomBytes(6 * MiB) }));
    await assert.rejects(store.commitUpload(upload.id, sha256(content)), (error) => isAppError(error) && error.ociCode === 'BLOB_UPLOAD_INVALID');
    const blobs = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'ims/blobs/' }));
    client.destroy();
    assert.deepEqual(blobs.Contents ?? [], []);
  });

  it('finishes a commit tried again after the move into place failed', async () => {
    const s3 = swift!;
    const driver = new S3BlobDriver({ endpoint: s3.endpoint, bucket: await s3.createBucket('retry'), region: s3.region, credentials: s3, partSize: 5 * MiB });
    let failures = 1;
    const completed = new Set<unknown>();
    // The storage drops the connection once, after the multipart upload was completed; and, like
    // AWS and MinIO some time after a completion (Swift repeats them), it forgets completed uploads.
    const flaky = Object.assign(Object.create(driver) as S3BlobDriver, {
      finishAppend: async (state: AppendState) => {
        if (state.uploadId !== undefined && completed.has(state.uploadId)) throw new Error('NoSuchUpload: the upload was completed already');
        completed.add(state.uploadId);
        return driver.finishAppend(state);
      },
      move: async (from: string, to: string, writtenAt: Date) => {
        if (failures-- > 0) throw new Error('connection reset');
        return driver.move(from, to, writtenAt);
      },
    });
    const store = new ContentAddressedBlobStore(flaky);
    const content = randomBytes(7 * MiB);
    const upload = await store.startUpload();
    await store.appendUpload(upload.id, 0, content);
    await assert.rejects(store.commitUpload(upload.id, sha256(content)), /connection reset/);
    assert.deepEqual(await store.commitUpload(upload.id, sha256(content)), { digest: sha256(content), size: content.length });
    assert.ok((await readAll(await store.read(sha256(content)))).equals(content));
  });

  it('aborts multipart uploads no session holds once they are old enough, and keeps those a session holds', async () => {
    const clock = fakeClock();
    const store = await openStore({ clock });
    const bucket = buckets.get(store)!;
    const held = await store.startUpload();
    const content = randomBytes(5 * MiB + 1);
    await store.appendUpload(held.id, 0, content);
    const client = swift!.client();
    // What a replica killed between starting a multipart upload and saving its session leaves.
    const orphanKey = 'ims/uploads/0f0f0f0f-0000-4000-8000-000000000000/data';
    await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: orphanKey }));
    assert.equal(await store.abortAbandonedAppends(60 * 60_000), 0, 'nothing is old enough yet');
    clock.advance(2 * 60 * 60_000);
    assert.equal(await store.abortAbandonedAppends(60 * 60_000), 1);
    const left = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    client.destroy();
    assert.deepEqual(
      left.Uploads?.map((u) => u.Key),
      [`ims/uploads/${held.id}/data`],
    );
    assert.equal((await store.commitUpload(held.id, sha256(content))).size, content.length);
  });

  it('hands out signed URLs for blob reads only when asked to', async () => {
    const plain = await openStore();
    const content = Buffer.from('fetched from the storage itself');
    await plain.put(sha256(content), content);
    assert.equal(await plain.redirectUrl(sha256(content)), undefined);
    const redirecting = await openStore({ bucket: buckets.get(plain), redirectTtlSeconds: 60 });
    const url = await redirecting.redirectUrl(sha256(content));
    assert.ok(url?.includes('X-Amz-Signature='));
    const answer = await fetch(url!);
    assert.equal(answer.status, 200);
    assert.equal(await answer.text(), content.toString());
    assert.equal((await fetch(url!.replace(/X-Amz-Signature=[0-9a-f]+/, 'X-Amz-Signature=00'))).status, 403, 'a URL changed by anyone is refused');
  });
});
