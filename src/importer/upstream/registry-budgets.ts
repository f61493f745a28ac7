// Every registry's rate limit as its answers report it, kept per host for the whole server: what is
// left and when it comes back, and until when a host asked (429 or 503 with Retry-After) not to be
// called at all. The registry client feeds it from every answer and refuses to call a host that
// asked for quiet; the scheduler spends what is left. The numbers are the registry's own: between
// answers, only what the scheduler has promised to imports is held back.
import type { Counter } from '../../lib/metrics.ts';
import { AppError } from '../../errors.ts';
import { humanDuration } from '../../kube/human-duration.ts';
import { readRateLimit, retryAfterMs } from './rate-limit-headers.ts';

export interface BudgetState {
  readonly limit?: number;
  /** What the registry last said is left, less what was promised since; undefined while it never said. */
  readonly available?: number;
  /** When the registry's window should be back in full (as it said, or estimated from its window). */
  readonly resetsAt?: number;
  /** No request to the host before this (Retry-After). */
  readonly blockedUntil?: number;
}

interface HostBudget {
  limit?: number;
  remaining?: number;
  resetsAt?: number;
  blockedUntil?: number;
  reserved: number;
}

/** How long a 429 that says nothing else keeps a host spent. */
const spentWithoutWordMs = 60_000;

export class RegistryBudgets {
  private readonly hosts = new Map<string, HostBudget>();
  private readonly now: () => number;
  private readonly requests?: Counter;

  constructor(deps: { readonly now?: () => number; readonly requests?: Counter } = {}) {
    this.now = deps.now ?? (() => Date.now());
    this.requests = deps.requests;
  }

  /** Learns from one answer `host` gave. */
  observe(host: string, method: string, response: { readonly status: number; readonly headers: Headers }): void {
    this.requests?.inc({ registry: host, method, code: String(response.status) });
    const budget = this.entry(host);
    const now = this.now();
    const said = readRateLimit(response.headers);
    if (said) {
      if (said.limit !== undefined) budget.limit = said.limit;
      if (said.remaining !== undefined) budget.remaining = said.remaining;
      if (said.resetSeconds !== undefined) budget.resetsAt = now + said.resetSeconds * 1000;
      // A window without a reset (Docker Hub's rolling six hours): counted from when we first saw it.
      else if (said.windowSeconds && (budget.resetsAt === undefined || budget.resetsAt <= now)) budget.resetsAt = now + said.windowSeconds * 1000;
    }
    if (response.status !== 429 && response.status !== 503) return;
    const wait = retryAfterMs(response.headers.get('retry-after'), now);
    if (wait !== undefined && wait > 0) budget.blockedUntil = Math.max(budget.blockedUntil ?? 0, now + wait);
    if (response.status === 429) {
      budget.remaining = 0;
      const back = now + (wait ?? spentWithoutWordMs);
      if (budget.resetsAt === undefined || budget.resetsAt <= now || budget.resetsAt < back) budget.resetsAt = back;
    }
  }

  /** Counts a request that got no answer at all. */
  unanswered(host: string, method: string): void {
    this.requests?.inc({ registry: host, method, code: 'none' });
  }

  state(host: string): BudgetState {
    const budget = this.current(host);
    if (!budget) return {};
    const now = this.now();
    return {
      limit: budget.limit,
      available: budget.remaining === undefined ? undefined : Math.max(0, budget.remaining - budget.reserved),
      resetsAt: budget.resetsAt,
      blockedUntil: budget.blockedUntil !== undefined && budget.blockedUntil > now ? budget.blockedUntil : undefined,
    };
  }

  /** Promises `cost` requests to an import; false (and nothing promised) when the host cannot give them now. */
  reserve(host: string, cost: number): boolean {
    const state = this.state(host);
    if (state.blockedUntil !== undefined || (state.available !== undefined && state.available < cost)) return false;
    this.entry(host).reserved += cost;
    return true;
  }

  /** Returns a promise made by `reserve`, once its import is over (its requests are in the registry's count by then). */
  release(host: string, cost: number): void {
    const budget = this.entry(host);
    budget.reserved = Math.max(0, budget.reserved - cost);
  }

  /** Why no request may go to `host` now (it asked for quiet), if none may. */
  refusal(host: string): AppError | undefined {
    const until = this.state(host).blockedUntil;
    if (until === undefined) return undefined;
    return rateLimited(`${host} asked not to be called for ${humanDuration(until - this.now())} more (Retry-After)`);
  }

  /** Why a request that counts (a manifest GET) may not go to `host` now: it said nothing is left. */
  spentRefusal(host: string): AppError | undefined {
    const budget = this.current(host);
    if (budget?.remaining !== 0) return undefined;
    const resets = budget.resetsAt === undefined ? '' : `, resets in ${humanDuration(budget.resetsAt - this.now())}`;
    return rateLimited(`${host}: rate limit spent (0 of ${budget.limit ?? '?'} left)${resets}`);
  }

  /** Every host's last word, for /metrics. */
  snapshot(): { readonly registry: string; readonly limit?: number; readonly remaining?: number }[] {
    return [...this.hosts.keys()].flatMap((registry) => {
      const budget = this.current(registry)!;
      return budget.limit === undefined && budget.remaining === undefined ? [] : [{ registry, limit: budget.limit, remaining: budget.remaining }];
    });
  }

  /** The host's budget with an elapsed window put back in full. */
  private current(host: string): HostBudget | undefined {
    const budget = this.hosts.get(host);
    if (budget?.resetsAt !== undefined && budget.resetsAt <= this.now()) {
      budget.remaining = budget.limit;
      budget.resetsAt = undefined;
    }
    return budget;
  }

  private entry(host: string): HostBudget {
    let budget = this.current(host);
    if (!budget) this.hosts.set(host, (budget = { reserved: 0 }));
    return budget;
  }
}

function rateLimited(message: string): AppError {
  return new AppError('Unavailable', message, { ociCode: 'TOOMANYREQUESTS' });
}
