// The behaviour every BlobStore backend must show.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BlobStore } from '../../src/blobs/blob-store.ts';
import type { Clock } from '../../src/lib/clock.ts';
import { isAppError } from '../../src/errors.ts';
import { fakeClock } from '../support/fake-clock.ts';

export const sha256 = (data: Uint8Array) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
export const sha512 = (data: Uint8Array) => `sha512:${createHash('sha512').update(data).digest('hex')}`;

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface BlobStoreFactory {
  open(options?: { clock?: Clock }): Promise<BlobStore>;
  /** The same storage opened again, as after a restart (durable backends only). */
  reopen?: (store: BlobStore, options?: { clock?: Clock }) => Promise<BlobStore>;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const code = (expected: string) => (error: unknown) => isAppError(error) && error.ociCode === expected;

export function describeBlobStoreContract(backend: string, factory: BlobStoreFactory): void {
  describe(`${backend} BlobStore contract`, () => {
    it('stores content under its sha256 or sha512 digest and reads it back whole or by range', async () => {
      const store = await factory.open();
      const content = Buffer.from('hello, registry');
      for (const digest of [sha256(content), sha512(content)]) {
        const writing = Date.now();
        assert.deepEqual(await store.put(digest, content), { digest, size: content.length });
        const stat = await store.stat(digest);
        const written = Date.now();
        assert.deepEqual({ digest: stat.digest, size: stat.size }, { digest, size: content.length });
        // Between the calls, give or take the whole second some backends keep times in (S3's Last-Modified).
        assert.ok(
          stat.modifiedAt === undefined || (stat.modifiedAt >= writing - 1000 && stat.modifiedAt <= written + 1000),
          `modifiedAt, where known, is when it was written: ${stat.modifiedAt} is not between ${writing} and ${written}`,
        );
        assert.equal((await readAll(await store.read(digest))).toString(), 'hello, registry');
        assert.equal((await readAll(await store.read(digest, { start: 7, end: 14 }))).toString(), 'registry');
      }
    });

    it('refuses content whose digest does not match, and keeps nothing of it', async () => {
      const store = await factory.open();
      const claimed = sha256(Buffer.from('other'));
      await assert.rejects(store.put(claimed, Buffer.from('content')), code('DIGEST_INVALID'));
      await assert.rejects(store.stat(claimed), code('BLOB_UNKNOWN'));
    });

    it('answers BLOB_UNKNOWN for missing blobs on stat, read and delete', async () => {
      const store = await factory.open();
      const digest = sha256(Buffer.from('missing'));
      await assert.rejects(store.stat(digest), code('BLOB_UNKNOWN'));
      await assert.rejects(store.read(digest), code('BLOB_UNKNOWN'));
      await assert.rejects(store.delete(digest), code('BLOB_UNKNOWN'));
    });

    it('deletes a blob', async () => {
      const store = await factory.open();
      const content = Buffer.from('to delete');
      await store.put(sha256(content), content);
      await store.delete(sha256(content));
      await assert.rejects(store.stat(sha256(content)), code('BLOB_UNKNOWN'));
    });

    it('assembles an upload from chunks and makes it visible only at commit', async () => {
      const store = await factory.open();
      const parts = [Buffer.alloc(100_000, 1), Buffer.alloc(50_000, 2), Buffer.from('end')];
      const whole = Buffer.concat(parts);
      const upload = await store.startUpload();
      let offset = 0;
      for (const part of parts) {
        const info = await store.appendUpload(upload.id, offset, part === parts[1] ? Readable.from([part.subarray(0, 10), part.subarray(10)]) : part);
        offset += part.length;
        assert.equal(info.size, offset);
      }
      assert.equal((await store.uploadStatus(upload.id)).size, whole.length);
      await assert.rejects(store.stat(sha256(whole)), code('BLOB_UNKNOWN'));
      assert.deepEqual(await store.commitUpload(upload.id, sha256(whole)), { digest: sha256(whole), size: whole.length });
      assert.ok((await readAll(await store.read(sha256(whole)))).equals(whole));
      await assert.rejects(store.uploadStatus(upload.id), code('BLOB_UPLOAD_UNKNOWN'));
    });

    it('refuses a chunk at the wrong offset and a commit with the wrong digest', async () => {
      const store = await factory.open();
      const upload = await store.startUpload();
      await store.appendUpload(upload.id, 0, Buffer.from('abc'));
      await assert.rejects(store.appendUpload(upload.id, 10, Buffer.from('x')), code('RANGE_INVALID'));
      await assert.rejects(store.commitUpload(upload.id, sha256(Buffer.from('abd'))), code('DIGEST_INVALID'));
      await assert.rejects(store.stat(sha256(Buffer.from('abd'))), code('BLOB_UNKNOWN'));
      assert.equal((await store.commitUpload(upload.id, sha512(Buffer.from('abc')))).size, 3, 'sha512 works for uploads too');
    });

    it('refuses an upload past its size limit', async () => {
      const store = await factory.open();
      const upload = await store.startUpload();
      await assert.rejects(store.appendUpload(upload.id, 0, Buffer.alloc(2000), 1000), code('SIZE_INVALID'));
    });

    it('cancels an upload, and treats unknown or hostile ids as unknown', async () => {
      const store = await factory.open();
      const upload = await store.startUpload();
      await store.cancelUpload(upload.id);
      await assert.rejects(store.uploadStatus(upload.id), code('BLOB_UPLOAD_UNKNOWN'));
      for (const id of ['../../etc/passwd', 'x', '00000000-0000-0000-0000-000000000000'])
        await assert.rejects(store.uploadStatus(id), code('BLOB_UPLOAD_UNKNOWN'));
    });

    it('takes two concurrent uploads of the same content', async () => {
      const store = await factory.open();
      const content = Buffer.alloc(300_000, 7);
      const upload = async () => {
        const session = await store.startUpload();
        await store.appendUpload(session.id, 0, content);
        return store.commitUpload(session.id, sha256(content));
      };
      const [a, b] = await Promise.all([upload(), upload()]);
      assert.deepEqual(a, b);
      assert.ok((await readAll(await store.read(sha256(content)))).equals(content));
    });

    it('lists every blob in digest order with its size and time, and goes on from after any digest', async () => {
      const clock = fakeClock();
      const store = await factory.open({ clock });
      const contents = ['one', 'two', 'three', 'four', 'five'].map((text) => Buffer.from(text));
      for (const content of contents) await store.put(sha256(content), content);
      await store.put(sha512(contents[0]), contents[0]);
      const putAt = clock.now().getTime();
      clock.advance(60_000);
      const committed = Buffer.from('committed later');
      const upload = await store.startUpload();
      await store.appendUpload(upload.id, 0, committed);
      await store.commitUpload(upload.id, sha256(committed));
      await store.delete(sha256(contents[4]));
      await store.appendUpload((await store.startUpload()).id, 0, Buffer.from('an open upload is no blob'));

      const listed = await collect(store.listBlobs());
      const expected = [...contents.slice(0, 4).map(sha256), sha512(contents[0]), sha256(committed)].sort();
      assert.deepEqual(
        listed.map((b) => b.digest),
        expected,
      );
      for (const blob of listed) {
        assert.equal(blob.size, blob.digest === sha256(committed) ? committed.length : (await store.stat(blob.digest)).size);
        const writtenAt = blob.digest === sha256(committed) ? putAt + 60_000 : putAt;
        assert.ok(blob.modifiedAt === undefined || blob.modifiedAt === writtenAt, `modifiedAt, where known, is when ${blob.digest} was written`);
      }
      const absent = ['missing', 'absent', 'nowhere'].map((text) => sha256(Buffer.from(text)));
      for (const after of [...expected, ...absent, sha512(Buffer.from('absent'))]) {
        assert.deepEqual(
          (await collect(store.listBlobs(after))).map((b) => b.digest),
          expected.filter((d) => d > after),
          `after ${after}`,
        );
      }
    });

    it('lists open upload sessions with when their last byte came, and not committed or cancelled ones', async () => {
      const clock = fakeClock();
      const startedAt = clock.now().toISOString();
      const store = await factory.open({ clock });
      const idle = await store.startUpload();
      await store.appendUpload(idle.id, 0, Buffer.from('idle'));
      const active = await store.startUpload();
      const committed = await store.startUpload();
      await store.appendUpload(committed.id, 0, Buffer.from('done'));
      await store.commitUpload(committed.id, sha256(Buffer.from('done')));
      const cancelled = await store.startUpload();
      await store.cancelUpload(cancelled.id);
      clock.advance(3_600_000);
      const later = clock.now().toISOString();
      assert.equal((await store.appendUpload(active.id, 0, Buffer.from('active bytes'))).updatedAt, later);

      const listed = (await collect(store.listUploads())).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
      assert.deepEqual(listed, [
        { id: idle.id, size: 4, startedAt, updatedAt: startedAt },
        { id: active.id, size: 12, startedAt, updatedAt: later },
      ]);
      assert.deepEqual(await store.uploadStatus(active.id), listed[1]);
    });

    if (factory.reopen) {
      it('keeps when an upload got its last byte across a restart', async () => {
        const clock = fakeClock();
        const store = await factory.open({ clock });
        const upload = await store.startUpload();
        await store.appendUpload(upload.id, 0, Buffer.from('before the restart'));
        const lastByte = clock.now().toISOString();
        clock.advance(5 * 3_600_000);
        const again = await factory.reopen!(store, { clock });
        assert.deepEqual(
          (await collect(again.listUploads())).map((u) => [u.id, u.updatedAt]),
          [[upload.id, lastByte]],
        );
      });

      it('resumes an upload after a restart', async () => {
        const store = await factory.open();
        const upload = await store.startUpload();
        await store.appendUpload(upload.id, 0, Buffer.from('first half, '));
        const again = await factory.reopen!(store);
        assert.equal((await again.uploadStatus(upload.id)).size, 12);
        await again.appendUpload(upload.id, 12, Buffer.from('second half'));
        const content = Buffer.from('first half, second half');
        assert.equal((await again.commitUpload(upload.id, sha256(content))).size, content.length);
        assert.ok((await readAll(await again.read(sha256(content)))).equals(content));
      });
    }
  });
}
