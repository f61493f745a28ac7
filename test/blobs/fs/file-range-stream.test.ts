import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { FileRangeStream } from '../../../src/blobs/fs/file-range-stream.ts';
import { makeTempDir } from '../../support/temp-dir.ts';

const content = randomBytes(3 * 1024 * 1024 + 12_345);

async function streamOver(start = 0, end = content.length): Promise<FileRangeStream> {
  const path = join(makeTempDir('ims-range'), 'blob');
  writeFileSync(path, content);
  return new FileRangeStream(await open(path, 'r'), start, end);
}

/** A slow destination that checks each chunk is left untouched until its write callback has run. */
function checkingDestination(): { destination: Writable; received: () => Buffer } {
  const parts: Buffer[] = [];
  const destination = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, callback) {
      const copy = Buffer.from(chunk);
      setTimeout(() => {
        if (!chunk.equals(copy)) return callback(new Error('a chunk changed while its write was in flight'));
        parts.push(copy);
        callback();
      }, 5);
    },
  });
  return { destination, received: () => Buffer.concat(parts) };
}

describe('FileRangeStream', () => {
  it('reads a file as chunks the consumer may keep', async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of await streamOver()) chunks.push(chunk as Buffer);
    assert.ok(chunks.length > 1);
    assert.ok(Buffer.concat(chunks).equals(content));
  });

  it('reads only the range asked for', async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of await streamOver(1_000_000, 2_500_001)) chunks.push(chunk as Buffer);
    assert.ok(Buffer.concat(chunks).equals(content.subarray(1_000_000, 2_500_001)));
  });

  it('sends the whole file, reusing no buffer before the destination has taken it', async () => {
    const { destination, received } = checkingDestination();
    await (await streamOver()).sendTo(destination, new AbortController().signal);
    assert.ok(received().equals(content));
  });

  it('sends a range', async () => {
    const { destination, received } = checkingDestination();
    await (await streamOver(17, 2_100_017)).sendTo(destination, new AbortController().signal);
    assert.ok(received().equals(content.subarray(17, 2_100_017)));
  });

  it('stops with an error and closes the file when the destination goes away', async () => {
    const stream = await streamOver();
    const destination = new Writable({
      write(_chunk, _encoding, callback) {
        setTimeout(() => destination.destroy(), 1);
        void callback;
      },
    });
    await assert.rejects(stream.sendTo(destination, new AbortController().signal), /closed/);
    await new Promise((resolve) => stream.once('close', resolve).destroyed && resolve(undefined));
    assert.equal(stream.destroyed, true);
  });

  it('reports a write that fails while the next chunk is being read, leaving no rejection unhandled', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const destination = new Writable({ write: (_chunk, _encoding, callback) => process.nextTick(callback, new Error('socket reset')) });
      destination.on('error', () => undefined);
      await assert.rejects((await streamOver()).sendTo(destination, new AbortController().signal), /socket reset/);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('stops when the request is aborted', async () => {
    const stream = await streamOver();
    const aborter = new AbortController();
    const destination = new Writable({ write: (_chunk, _encoding, callback) => setTimeout(callback, 20) });
    setTimeout(() => aborter.abort(new Error('client went away')), 5);
    await assert.rejects(stream.sendTo(destination, aborter.signal), /client went away/);
  });

  it('fails instead of sending short content when the file shrank', async () => {
    const stream = await streamOver(0, content.length + 10);
    const { destination } = checkingDestination();
    await assert.rejects(stream.sendTo(destination, new AbortController().signal), /shorter than its recorded size/);
  });
});
