// What a registry's answer says about its rate limit: Docker Hub's `ratelimit-limit` and
// `ratelimit-remaining` (`N;w=SECONDS`, the IETF draft's form; `ratelimit-reset` when a registry
// sends it), and `Retry-After` (seconds or an HTTP date) on 429 and 503. Nothing here trusts a
// registry: numbers that are not plain, bounded non-negative integers are ignored.

export interface RateLimitHeaders {
  readonly limit?: number;
  readonly remaining?: number;
  /** The window the numbers count over (Docker Hub: 21600 s), from the `w=` parameter. */
  readonly windowSeconds?: number;
  /** Seconds until the window resets, when the registry says. */
  readonly resetSeconds?: number;
}

/** A week: no registry is waited on longer, whatever it says. */
const maxSeconds = 7 * 24 * 3600;

function count(value: string | undefined): number | undefined {
  if (!value || !/^\s*\d{1,12}\s*$/.test(value)) return undefined;
  return Number(value);
}

/** `76;w=21600` → 76 and 21600. */
function quota(header: string | null): { value?: number; window?: number } {
  if (!header) return {};
  const [value, ...parameters] = header.split(';');
  const window = parameters.map((p) => /^\s*w\s*=\s*(\d{1,9})\s*$/.exec(p)?.[1]).find(Boolean);
  return { value: count(value), window: window ? Math.min(Number(window), maxSeconds) || undefined : undefined };
}

export function readRateLimit(headers: Headers): RateLimitHeaders | undefined {
  const limit = quota(headers.get('ratelimit-limit'));
  const remaining = quota(headers.get('ratelimit-remaining'));
  const reset = count(headers.get('ratelimit-reset') ?? undefined);
  if (limit.value === undefined && remaining.value === undefined) return undefined;
  return {
    limit: limit.value,
    remaining: remaining.value,
    windowSeconds: limit.window ?? remaining.window,
    resetSeconds: reset === undefined ? undefined : Math.min(reset, maxSeconds),
  };
}

/** How long `Retry-After` asks to wait, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = count(header);
  if (seconds !== undefined) return Math.min(seconds, maxSeconds) * 1000;
  const at = Date.parse(header);
  if (!Number.isFinite(at) || !/[a-z]/i.test(header)) return undefined;
  return Math.min(Math.max(0, at - now), maxSeconds * 1000);
}
