import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { lazyWebStream, takeNodeStream } from '../../src/lib/node-streams.ts';

describe('lazyWebStream', () => {
  it('leaves the Node stream to be taken when a Response is built around it and nobody reads it', async () => {
    const readable = Readable.from([Buffer.from('abc')]);
    const response = new Response(lazyWebStream(readable));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(takeNodeStream(response.body), readable);
    assert.equal(takeNodeStream(response.body), undefined, 'taken only once');
  });

  it('reads through the web side on demand, after which the Node stream cannot be taken', async () => {
    const response = new Response(lazyWebStream(Readable.from([Buffer.from('ab'), Buffer.from('c')])));
    const reader = response.body!.getReader();
    const first = await reader.read();
    assert.equal(Buffer.from(first.value!).toString(), 'ab');
    assert.equal(takeNodeStream(response.body), undefined);
    const second = await reader.read();
    assert.equal(Buffer.from(second.value!).toString(), 'c');
    assert.equal((await reader.read()).done, true);
  });
});
