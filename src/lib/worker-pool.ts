// Runs jobs on a few worker threads, so CPU-heavy work on untrusted input never blocks the event
// loop. A job that overruns its time limit has its worker terminated (and later replaced), so no
// input can hold a thread for long. A worker runs one job at a time, and keeps the process alive
// only while it runs one. The time limit counts from when a loaded worker gets the job: starting a
// thread and loading its modules can take long on a busy machine, and is not the input's doing.
import { Worker, type ResourceLimits } from 'node:worker_threads';

export interface WorkerPoolOptions {
  /** The worker's entry module: it posts `ready` once loaded, then answers each message it receives with exactly one message. */
  readonly script: URL;
  readonly size: number;
  readonly timeoutMs: number;
  readonly resourceLimits?: ResourceLimits;
}

export class WorkerTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`the job did not finish within ${timeoutMs} ms`);
    this.name = 'WorkerTimeoutError';
  }
}

interface Job {
  readonly message: unknown;
  readonly signal?: AbortSignal;
  readonly resolve: (answer: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export class WorkerPool {
  private readonly options: WorkerPoolOptions;
  private readonly idle: Worker[] = [];
  private readonly loading = new WeakMap<Worker, Promise<void>>();
  private readonly queue: Job[] = [];
  private busy = 0;

  constructor(options: WorkerPoolOptions) {
    this.options = options;
  }

  /** The worker's answer to `message`; WorkerTimeoutError when it takes too long. */
  run(message: unknown, signal?: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const job: Job = { message, signal, resolve, reject };
      this.queue.push(job);
      signal?.addEventListener(
        'abort',
        () => {
          const index = this.queue.indexOf(job);
          if (index >= 0) {
            this.queue.splice(index, 1);
            reject(signal.reason);
          }
        },
        { once: true },
      );
      this.dispatch();
    });
  }

  /** Ends every idle worker; running jobs finish first. */
  async close(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0 && this.busy < this.options.size) {
      const job = this.queue.shift()!;
      this.busy += 1;
      this.start(job, this.idle.pop() ?? this.spawn());
    }
  }

  private spawn(): Worker {
    const worker = new Worker(this.options.script, { resourceLimits: this.options.resourceLimits });
    worker.unref();
    // Errors while loading are the job's to report; until then, wait only for `ready` (or the end).
    this.loading.set(
      worker,
      new Promise<void>((resolve) => {
        const done = () => {
          worker.off('message', onReady);
          resolve();
        };
        const onReady = (message: unknown) => message === 'ready' && done();
        worker.on('message', onReady);
        worker.once('error', done);
        worker.once('exit', done);
      }),
    );
    return worker;
  }

  private start(job: Job, worker: Worker): void {
    worker.ref();
    void (this.loading.get(worker) ?? Promise.resolve()).then(() => this.send(job, worker));
  }

  private send(job: Job, worker: Worker): void {
    if (worker.threadId < 0) {
      // It died while loading.
      this.busy -= 1;
      job.reject(new Error('the worker ended before it could take the job'));
      this.dispatch();
      return;
    }
    const finish = (healthy: boolean) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      job.signal?.removeEventListener('abort', onAbort);
      worker.unref();
      this.busy -= 1;
      if (healthy) this.idle.push(worker);
      else void worker.terminate();
      this.dispatch();
    };
    const onMessage = (answer: unknown) => {
      finish(true);
      job.resolve(answer);
    };
    const onError = (error: Error) => {
      finish(false);
      job.reject(error);
    };
    const onExit = (code: number) => {
      finish(false);
      job.reject(new Error(`the worker exited with code ${code}`));
    };
    const onAbort = () => {
      finish(false);
      job.reject(job.signal!.reason);
    };
    const timer = setTimeout(() => {
      finish(false);
      job.reject(new WorkerTimeoutError(this.options.timeoutMs));
    }, this.options.timeoutMs);
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    job.signal?.addEventListener('abort', onAbort, { once: true });
    worker.postMessage(job.message);
  }
}
