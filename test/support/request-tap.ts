// An HTTP proxy in front of a server that tells a test which requests went through it, so the test
// can wait until a client has asked for something (a watch) before changing what it asks about.
import { createServer, request, type Server } from 'node:http';

export interface RequestTap {
  /** Where clients should send their requests instead. */
  readonly url: string;
  /** The next request seen, as `METHOD /path?query`, that matches (those already seen count). */
  nextRequest(pattern: RegExp): Promise<string>;
  stop(): Promise<void>;
}

export async function startRequestTap(target: string): Promise<RequestTap> {
  const seen: string[] = [];
  let taken = 0;
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    waiters.forEach((waiter) => waiter());
    const forwarded = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    nextRequest: (pattern) =>
      new Promise((resolve) => {
        const check = () => {
          for (; taken < seen.length; taken++) {
            if (!pattern.test(seen[taken])) continue;
            waiters.delete(check);
            resolve(seen[taken++]);
            return;
          }
        };
        waiters.add(check);
        check();
      }),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
