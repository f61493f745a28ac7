// Leader election across `ims serve` replicas through an etcd lease: the replica whose campaign key
// is oldest leads; its lease is kept alive while it runs, and when it dies (or loses etcd for the
// lease's TTL) the key goes away and the next replica in line leads. Leadership lost is reported by
// aborting the `leading` signal, and this replica then campaigns again.
//
// Every campaign's lease is revoked when its round ends, and `run` resolves only after that: a
// replica stopping hands over at once instead of after the TTL, and one that lost etcd does not
// leave a key behind that etcd would renew on restart and every replica would wait out.
import { EtcdLeaseInvalidError, type Campaign, type Etcd3 } from 'etcd3';
import type { LeaderElection } from './leader-election.ts';
import type { Logger } from '../../lib/logger.ts';
import { connectEtcd, type EtcdConnection } from '../../store/etcd/etcd-connection.ts';

export interface EtcdLeaderElectionOptions extends EtcdConnection {
  /** Names this replica in the election (shown to operators as the leader's identity). */
  readonly identity: string;
  /** Seconds without a keep-alive before another replica may lead. */
  readonly ttlSeconds?: number;
  readonly keyPrefix?: string;
  readonly logger: Logger;
  /** Pause between campaigns after a failure, in ms (default 250). */
  readonly retryMs?: number;
}

/** How long a stopping replica tries to revoke its lease before it exits anyway (then the TTL hands over). */
const revokeTimeoutMs = 3_000;

export class EtcdLeaderElection implements LeaderElection {
  private readonly options: EtcdLeaderElectionOptions;

  constructor(options: EtcdLeaderElectionOptions) {
    this.options = options;
  }

  async run(signal: AbortSignal, lead: (leading: AbortSignal) => void): Promise<void> {
    const { identity, logger } = this.options;
    const client = connectEtcd(this.options);
    const election = client.namespace(this.options.keyPrefix ?? '/imagestream/').election('controllers', this.options.ttlSeconds ?? 10);
    /** The lease of an ended campaign that etcd has not yet confirmed revoked. */
    let abandoned: string | undefined;
    const failures = new RepeatedWarning(logger, 'leader election failed; trying again');
    try {
      while (!signal.aborted) {
        if (abandoned !== undefined) {
          if (!(await revokeLease(client, abandoned))) {
            await pause(signal, this.options.retryMs ?? 250);
            continue;
          }
          abandoned = undefined;
        }
        const leading = new AbortController();
        // Ends with this round (leadership lost, or the server stopping); listeners on it go with it,
        // so rounds repeated during an etcd outage do not pile listeners onto `signal`.
        const round = AbortSignal.any([signal, leading.signal]);
        const roundOver = new Promise<void>((resolve) => (round.aborted ? resolve() : round.addEventListener('abort', () => resolve(), { once: true })));
        const campaign = election.campaign(identity);
        try {
          campaign.on('error', (error: Error) => leading.abort(error));
          await Promise.race([new Promise<void>((resolve) => campaign.once('elected', () => resolve())), roundOver]);
          if (signal.aborted) break;
          if (leading.signal.aborted) throw leading.signal.reason;
          failures.reset();
          logger.info('leading the controllers', { identity });
          lead(leading.signal);
          await roundOver;
          if (!signal.aborted) logger.warn('lost the controllers lease; campaigning again', { identity, error: leading.signal.reason });
        } catch (error) {
          if (!signal.aborted) failures.note({ identity, error: summary(error) });
        } finally {
          leading.abort();
          abandoned = await endCampaign(client, campaign);
          if (signal.aborted && abandoned !== undefined)
            logger.warn('could not hand the controllers lease over; the next leader waits for its TTL', { identity });
        }
        if (!signal.aborted && abandoned === undefined) await pause(signal, this.options.retryMs ?? 250);
      }
    } finally {
      client.close();
    }
  }
}

/**
 * Stops the campaign's keep-alives and revokes its lease, which deletes its key; returns the lease
 * ID when etcd could not be told (it is revoked before the next campaign).
 */
async function endCampaign(client: Etcd3, campaign: Campaign): Promise<string | undefined> {
  // The campaign may have given up on its own after an error, without revoking: revoke by ID too.
  await withTimeout(campaign.resign(), revokeTimeoutMs).catch(() => undefined);
  const key = await withTimeout(campaign.getCampaignKey(), revokeTimeoutMs).catch(() => undefined);
  if (key === undefined) return undefined;
  const leaseId = key.slice(key.lastIndexOf('/') + 1);
  return (await revokeLease(client, leaseId)) ? undefined : leaseId;
}

/** True once etcd has no such lease (revoked now, earlier, or expired). */
async function revokeLease(client: Etcd3, leaseId: string): Promise<boolean> {
  try {
    await withTimeout(client.leaseClient.leaseRevoke({ ID: leaseId }), revokeTimeoutMs);
    return true;
  } catch (error) {
    return error instanceof EtcdLeaseInvalidError;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer from etcd within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function pause(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * A warning that repeats while etcd is down (a campaign fails every few hundred ms, with errors that
 * alternate between the connection's and the circuit breaker's): logged when it first happens, then
 * at most every 30 s with how often it happened meanwhile.
 */
class RepeatedWarning {
  private readonly logger: Logger;
  private readonly msg: string;
  private lastAt: number | undefined;
  private repeated = 0;

  constructor(logger: Logger, msg: string) {
    this.logger = logger;
    this.msg = msg;
  }

  note(fields: { identity: string; error: unknown }): void {
    const now = Date.now();
    if (this.lastAt !== undefined && now - this.lastAt < 30_000) {
      this.repeated += 1;
      return;
    }
    this.logger.warn(this.msg, { ...fields, ...(this.repeated > 0 ? { repeatedSinceLastLog: this.repeated } : {}) });
    this.lastAt = now;
    this.repeated = 0;
  }

  reset(): void {
    this.lastAt = undefined;
    this.repeated = 0;
  }
}

/** An etcd error's message, without the grpc stack that repeats on every retry during an outage. */
function summary(error: unknown): unknown {
  return error instanceof Error ? { name: error.name, message: error.message } : error;
}
