// Leader election across `ims serve` replicas through an etcd lease: the replica whose campaign key
// is oldest leads; its lease is kept alive while it runs, and when it dies (or loses etcd for the
// lease's TTL) the key goes away and the next replica in line leads. Leadership lost is reported by
// aborting the `leading` signal, and this replica then campaigns again.
import { Etcd3, type Campaign } from 'etcd3';
import type { LeaderElection } from './leader-election.ts';
import type { Logger } from '../../lib/logger.ts';

export interface EtcdLeaderElectionOptions {
  readonly endpoints: readonly string[];
  /** Names this replica in the election (shown to operators as the leader's identity). */
  readonly identity: string;
  /** Seconds without a keep-alive before another replica may lead. */
  readonly ttlSeconds?: number;
  readonly keyPrefix?: string;
  readonly logger: Logger;
}

export class EtcdLeaderElection implements LeaderElection {
  private readonly options: EtcdLeaderElectionOptions;

  constructor(options: EtcdLeaderElectionOptions) {
    this.options = options;
  }

  async run(signal: AbortSignal, lead: (leading: AbortSignal) => void): Promise<void> {
    const client = new Etcd3({ hosts: [...this.options.endpoints], dialTimeout: 5_000 });
    const election = client.namespace(this.options.keyPrefix ?? '/imagestream/').election('controllers', this.options.ttlSeconds ?? 10);
    try {
      while (!signal.aborted) {
        const leading = new AbortController();
        // Ends with this round (leadership lost, or the server stopping); listeners on it go with it,
        // so rounds repeated during an etcd outage do not pile listeners onto `signal`.
        const round = AbortSignal.any([signal, leading.signal]);
        const roundOver = new Promise<void>((resolve) => (round.aborted ? resolve() : round.addEventListener('abort', () => resolve(), { once: true })));
        let campaign: Campaign | undefined;
        try {
          campaign = election.campaign(this.options.identity);
          campaign.on('error', (error: Error) => leading.abort(error));
          await Promise.race([new Promise<void>((resolve) => campaign!.once('elected', () => resolve())), roundOver]);
          if (signal.aborted) break;
          if (leading.signal.aborted) throw leading.signal.reason;
          this.options.logger.info('leading the controllers', { identity: this.options.identity });
          lead(leading.signal);
          await roundOver;
          if (!signal.aborted)
            this.options.logger.warn('lost the controllers lease; campaigning again', { identity: this.options.identity, error: leading.signal.reason });
        } catch (error) {
          if (!signal.aborted) this.options.logger.warn('leader election failed; trying again', { identity: this.options.identity, error });
        } finally {
          leading.abort();
          // Resigning hands over at once instead of after the TTL.
          if (signal.aborted) await campaign?.resign().catch(() => undefined);
        }
        if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    } finally {
      client.close();
    }
  }
}
