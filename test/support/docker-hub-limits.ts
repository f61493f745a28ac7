// A stand-in for Docker Hub's rate limiting, as its documentation describes it: a proxy on a
// loopback port in front of any registry (the fake upstream, or a real distribution registry) that
// counts pulls against a limit (each GET of an image manifest: a multi-arch image costs one per
// architecture fetched, its manifest list nothing more), lets HEAD through free, sends
// `ratelimit-limit` and `ratelimit-remaining` (`N;w=SECONDS`) on manifest answers, and answers
// every manifest GET 429 TOOMANYREQUESTS once the limit is spent. Tests may also make it answer 429 with a Retry-After, and read every request
// it received, with when it came.
import { createServer, request as httpRequest, type Server } from 'node:http';

export interface DockerHubLimits {
  /** host:port of the proxy: what pull specs name. */
  readonly host: string;
  /** Every request received, spent limit or not, with the status it was answered (once it was). */
  readonly requests: { readonly method: string; readonly path: string; readonly at: number; status?: number }[];
  /** Pulls counted against the limit: image manifests sent. */
  readonly counted: () => number;
  /** What is left of the window. */
  setRemaining(remaining: number): void;
  remaining(): number;
  /** Answers every request 429 with `Retry-After: seconds`, until endQuiet. */
  askForQuiet(seconds: number): void;
  /** Stops the 429s of askForQuiet. */
  endQuiet(): void;
  stop(): Promise<void>;
}

const tooManyRequests = JSON.stringify({
  errors: [{ code: 'TOOMANYREQUESTS', message: 'You have reached your pull rate limit. You may increase the limit by authenticating and upgrading' }],
});

export async function startDockerHubLimits(target: string, options: { limit: number; windowSeconds?: number }): Promise<DockerHubLimits> {
  const window = options.windowSeconds ?? 21600;
  let remaining = options.limit;
  let counted = 0;
  let quiet: number | undefined;
  const requests: { method: string; path: string; at: number; status?: number }[] = [];
  const limitHeaders = () => ({
    'ratelimit-limit': `${options.limit};w=${window}`,
    'ratelimit-remaining': `${remaining};w=${window}`,
    'docker-ratelimit-source': '127.0.0.1',
  });
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const entry: { method: string; path: string; at: number; status?: number } = { method: req.method ?? '', path, at: Date.now() };
    requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    if (quiet !== undefined) {
      return res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(quiet), ...limitHeaders() }).end(tooManyRequests);
    }
    const manifest = /^\/v2\/.+\/manifests\/[^/]+$/.test(path);
    const pull = manifest && req.method === 'GET';
    if (pull && remaining <= 0) return res.writeHead(429, { 'content-type': 'application/json', ...limitHeaders() }).end(tooManyRequests);
    const upstream = httpRequest(`http://${target}${req.url}`, { method: req.method, headers: { ...req.headers, host: target } }, (answer) => {
      const list = /manifest\.list|image\.index/.test(String(answer.headers['content-type']));
      if (pull && answer.statusCode === 200 && !list) {
        remaining -= 1;
        counted += 1;
      }
      const headers = { ...answer.headers, ...(manifest ? limitHeaders() : {}) };
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as { port: number }).port}`,
    requests,
    counted: () => counted,
    setRemaining: (value) => {
      remaining = value;
    },
    remaining: () => remaining,
    askForQuiet: (seconds) => {
      quiet = seconds;
    },
    endQuiet: () => {
      quiet = undefined;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
