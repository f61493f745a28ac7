// Parses YAML request bodies on worker threads, within the body limits and a time limit, so a body
// that is slow to parse (thousands of aliases, a huge flow list) never stalls other requests. The
// yaml package spends about a second per MiB on such text, far more than the event loop can give.
import { AppError } from '../errors.ts';
import { WorkerPool, WorkerTimeoutError } from '../lib/worker-pool.ts';
import type { BodyLimits } from './body-limits.ts';
import type { YamlAnswer, YamlJob } from './yaml-body-worker.ts';

export class YamlBodyParser {
  private readonly pool: WorkerPool;
  private readonly limits: BodyLimits;

  constructor(limits: BodyLimits, workers = 2) {
    this.limits = limits;
    // The heap bound keeps a body whose aliases expand without end from taking the process's memory.
    this.pool = new WorkerPool({
      script: new URL('./yaml-body-worker.ts', import.meta.url),
      size: workers,
      timeoutMs: limits.yamlParseTimeoutMs,
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
  }

  /** The value of the YAML document `text`; BadRequest or TooLarge say what is wrong with it. */
  async parse(text: string, signal?: AbortSignal): Promise<unknown> {
    let answer: YamlAnswer;
    try {
      answer = (await this.pool.run({ text, limits: this.limits } satisfies YamlJob, signal)) as YamlAnswer;
    } catch (error) {
      if (error instanceof WorkerTimeoutError)
        throw new AppError(
          'TooLarge',
          `the YAML request body took longer than ${this.limits.yamlParseTimeoutMs / 1000} s to parse; send it as JSON or make it simpler`,
        );
      if ((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY')
        throw new AppError('TooLarge', 'the YAML request body needs too much memory to parse; send it as JSON or make it simpler');
      throw error;
    }
    if ('error' in answer)
      throw new AppError(answer.error.kind, answer.error.kind === 'Internal' ? 'an internal error occurred' : answer.error.message, {
        cause: answer.error.message,
      });
    return JSON.parse(answer.json);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
