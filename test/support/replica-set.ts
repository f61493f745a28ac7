// Helpers for tests that run several `ims serve` replicas: waiting for an answer or a log line with
// an upper bound (never a fixed sleep), and calling the API as the administrator.
import type { RunningServer } from './serve-process.ts';

/** Polls `probe` until it returns something other than undefined; fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the server's log matches `pattern`. */
export function untilLogged(server: RunningServer, pattern: RegExp, timeoutMs = 30_000): Promise<true> {
  return waitFor(`${pattern} in the log of the server on port ${server.port}`, async () => (pattern.test(server.logs()) ? true : undefined), timeoutMs);
}

/** An API call with a bearer token and a JSON body. */
export function callApi(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export const isRunning = (server: RunningServer) => server.process.exitCode === null && server.process.signalCode === null;
