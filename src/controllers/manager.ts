// Owns when controllers run: only on the leader. When this replica starts leading, every controller
// starts and every periodic task is scheduled; when leadership ends, their signal aborts and the
// timers stop, so a replica that lost its lease does no controller work.
import type { LeaderElection } from './runtime/leader-election.ts';
import type { Logger } from '../lib/logger.ts';

export interface Controller {
  /** Works until `signal` aborts. */
  run(signal: AbortSignal): void;
}

/** Leader-only housekeeping run every `intervalMs` (the first run one interval after leading starts). */
export interface PeriodicTask {
  readonly name: string;
  readonly intervalMs: number;
  run(): Promise<void>;
}

export interface ControllerManagerDeps {
  readonly election: LeaderElection;
  readonly controllers: readonly Controller[];
  readonly periodic: readonly PeriodicTask[];
  readonly logger: Logger;
}

export class ControllerManager {
  private readonly deps: ControllerManagerDeps;

  constructor(deps: ControllerManagerDeps) {
    this.deps = deps;
  }

  /** Takes part in the election until `signal` aborts; resolves once this replica no longer holds leadership. */
  start(signal: AbortSignal): Promise<void> {
    return this.deps.election.run(signal, (leading) => {
      for (const controller of this.deps.controllers) controller.run(leading);
      for (const task of this.deps.periodic) this.schedule(task, leading);
    });
  }

  private schedule(task: PeriodicTask, leading: AbortSignal): void {
    const timer = setInterval(() => void task.run().catch((error: unknown) => this.deps.logger.warn(`${task.name} failed`, { error })), task.intervalMs);
    timer.unref();
    leading.addEventListener('abort', () => clearInterval(timer), { once: true });
  }
}

/** Every interval, forgets the store history older than the revision seen one interval ago. */
export function storeCompaction(
  store: { currentResourceVersion(): Promise<string>; compact(revision: string): Promise<void> },
  intervalMs = 5 * 60_000,
): PeriodicTask {
  let previous: string | undefined;
  return {
    name: 'compacting the store',
    intervalMs,
    async run() {
      const current = await store.currentResourceVersion();
      if (previous) await store.compact(previous);
      previous = current;
    },
  };
}
