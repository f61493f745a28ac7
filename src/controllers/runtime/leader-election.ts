// Controllers run only on the leader. One process is always its own leader; with etcd, a lease
// decides which replica leads, and leadership ends (its signal aborts) when the lease is lost.

export interface LeaderElection {
  /**
   * Calls `lead` with a signal that aborts when leadership ends; returns when `signal` aborts and
   * leadership has been given up (so another replica may lead at once).
   */
  run(signal: AbortSignal, lead: (leading: AbortSignal) => void): Promise<void>;
}

/** The single-process election: this process leads from the start until it stops. */
export class LocalLeaderElection implements LeaderElection {
  async run(signal: AbortSignal, lead: (leading: AbortSignal) => void): Promise<void> {
    lead(signal);
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  }
}
