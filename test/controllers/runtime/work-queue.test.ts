import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from '../../../src/controllers/runtime/work-queue.ts';
import { runWorkers, TerminalError } from '../../../src/controllers/runtime/reconciler.ts';
import { silentLogger } from '../../../src/lib/logger.ts';

describe('work queue', () => {
  it('holds a key once however often it is added', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    queue.add('a');
    queue.add('b');
    assert.equal(queue.length, 2);
    assert.equal(await queue.next(), 'a');
    assert.equal(await queue.next(), 'b');
  });

  it('never hands out a key being worked on, and hands it out again if it was added meanwhile', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    const key = await queue.next();
    queue.add('a');
    assert.equal(queue.length, 0, 'not queued while active');
    queue.done(key!);
    assert.equal(queue.length, 1);
  });

  it('backs off exponentially per key and forgets after success', () => {
    const queue = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 50 });
    assert.deepEqual([queue.retry('k'), queue.retry('k'), queue.retry('k'), queue.retry('k')], [10, 20, 40, 50]);
    queue.forget('k');
    assert.equal(queue.retry('k'), 10);
    queue.shutDown();
  });
});

describe('reconcile workers', () => {
  it('retries failures with backoff, drops terminal ones, and requeues on request', async () => {
    const queue = new WorkQueue({ baseDelayMs: 5 });
    const seen: string[] = [];
    let flaky = 0;
    const controller = new AbortController();
    const running = runWorkers(
      {
        name: 'test',
        async reconcile(key) {
          seen.push(key);
          if (key === 'flaky' && ++flaky < 3) throw new Error('not yet');
          if (key === 'broken') throw new TerminalError('never');
          if (key === 'again' && seen.filter((k) => k === 'again').length < 2) return { requeueAfterMs: 5 };
        },
      },
      queue,
      { workers: 2, signal: controller.signal, logger: silentLogger },
    );
    for (const key of ['flaky', 'broken', 'again']) queue.add(key);
    for (let i = 0; i < 100 && !queue.idle; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await running;
    assert.equal(seen.filter((k) => k === 'flaky').length, 3);
    assert.equal(seen.filter((k) => k === 'broken').length, 1);
    assert.equal(seen.filter((k) => k === 'again').length, 2);
  });
});
