import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerPool, WorkerTimeoutError } from '../../src/lib/worker-pool.ts';

// A worker that echoes its message, or spins first: for `spin` milliseconds, or until the test
// sets the first cell of `until` (shared memory) to 1, or 30 s at most (so a blocked test fails, not hangs).
const echo = new URL(
  `data:text/javascript,${encodeURIComponent(`
  import { parentPort } from 'node:worker_threads';
  parentPort.on('message', ({ value, spin, until }) => {
    const stop = Date.now() + (spin ?? 0);
    while (Date.now() < stop);
    const latest = Date.now() + 30000;
    if (until) while (Atomics.load(new Int32Array(until), 0) === 0 && Date.now() < latest);
    parentPort.postMessage({ value, thread: process.pid + ':' + (globalThis.seen = (globalThis.seen ?? 0) + 1) });
  });
  parentPort.postMessage('ready');
`)}`,
);

describe('worker pool', () => {
  it('answers each job from a worker thread, reusing the thread', async () => {
    const pool = new WorkerPool({ script: echo, size: 1, timeoutMs: 5000 });
    const first = (await pool.run({ value: 1 })) as { value: number; thread: string };
    const second = (await pool.run({ value: 2 })) as { value: number; thread: string };
    assert.equal(first.value, 1);
    assert.equal(second.value, 2);
    assert.ok(second.thread.endsWith(':2'), 'the second job ran in the same worker');
    await pool.close();
  });

  it('ends a job that overruns its time limit and keeps serving others on a fresh worker', async () => {
    const pool = new WorkerPool({ script: echo, size: 1, timeoutMs: 200 });
    await assert.rejects(pool.run({ value: 'slow', spin: 10_000 }), WorkerTimeoutError);
    const next = (await pool.run({ value: 'next' })) as { value: string; thread: string };
    assert.equal(next.value, 'next');
    assert.ok(next.thread.endsWith(':1'), 'a new worker took the job');
    await pool.close();
  });

  it('keeps the event loop free while a job runs', async () => {
    // The job spins until five timer ticks of this thread release it: it can end only if the loop runs meanwhile.
    const pool = new WorkerPool({ script: echo, size: 1, timeoutMs: 60_000 });
    const until = new SharedArrayBuffer(4);
    let ticks = 0;
    const timer = setInterval(() => {
      if (++ticks === 5) Atomics.store(new Int32Array(until), 0, 1);
    }, 10);
    const done = (await pool.run({ value: 'busy', until })) as { value: string };
    clearInterval(timer);
    assert.equal(done.value, 'busy');
    assert.ok(ticks >= 5, `timers kept firing during the job (${ticks} ticks)`);
    await pool.close();
  });

  it('queues jobs beyond its size and drops a queued job whose signal aborts', async () => {
    const pool = new WorkerPool({ script: echo, size: 1, timeoutMs: 5000 });
    const running = pool.run({ value: 'a', spin: 300 });
    const abort = new AbortController();
    const queued = pool.run({ value: 'b' }, abort.signal);
    abort.abort(new Error('client went away'));
    await assert.rejects(queued, /client went away/);
    assert.equal(((await running) as { value: string }).value, 'a');
    await pool.close();
  });
});
