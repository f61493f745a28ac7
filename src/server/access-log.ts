// One info line per HTTP request, written when its response is over (so a watch or a blob download
// is logged with its full duration and size): method, path, status, body bytes, duration, user,
// client address and request id. Query parameters that may carry a credential are redacted, and no
// header is ever logged, so no token reaches the log.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../lib/logger.ts';
import type { CredentialAuthenticator } from '../auth/authenticator-chain.ts';

export interface AccessLog {
  /** Runs the handling of one request, and logs it once its response has finished or the client went away. */
  record(req: IncomingMessage, res: ServerResponse, requestId: string, handle: () => Promise<void>): Promise<void>;
  /** Names the user the request being handled authenticated as (called by authentication, wherever it runs). */
  noteUser(name: string): void;
  /** Takes how paths that carry a secret (a webhook receiver's URL) are to be logged. */
  hidePathSecrets(loggedPath: (pathname: string) => string): void;
}

interface Entry {
  user?: string;
}

/** Query parameters whose values may be credentials (`access_token`, OAuth `code`, signed-URL signatures…). */
const secretParameter = /token|secret|passw|pwd|key|code|credential|auth|signature|^sig$/i;
const longestPath = 2048;

export function createAccessLog(logger: Logger): AccessLog {
  const current = new AsyncLocalStorage<Entry>();
  let loggedPath = (pathname: string) => pathname;
  return {
    hidePathSecrets(given) {
      loggedPath = given;
    },
    noteUser(name) {
      const entry = current.getStore();
      if (entry) entry.user = name;
    },
    record(req, res, requestId, handle) {
      const started = performance.now();
      const entry: Entry = {};
      const bytes = countBodyBytes(res, req.method === 'HEAD');
      // Read now: the socket forgets its peer once the connection is gone.
      const client = req.socket.remoteAddress ?? '-';
      res.once('close', () => {
        logger.info('request', {
          method: req.method,
          path: redactedTarget(req.url ?? '/', loggedPath),
          status: res.statusCode,
          bytes: bytes(),
          ms: Math.round(performance.now() - started),
          user: entry.user ?? '-',
          client,
          requestId,
          // A client that went away before the whole answer was sent: the status is what it was being told.
          ...(res.writableFinished ? {} : { aborted: true }),
        });
      });
      return current.run(entry, handle);
    },
  };
}

/** The path and query as given, with the value of every parameter that may hold a secret replaced. */
export function redactedTarget(target: string, loggedPath: (pathname: string) => string = (pathname) => pathname): string {
  const clipped = target.length > longestPath ? `${target.slice(0, longestPath)}…` : target;
  const question = clipped.indexOf('?');
  if (question < 0) return loggedPath(clipped);
  const query = clipped
    .slice(question + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // A malformed escape is still judged by its raw spelling.
      }
      return eq >= 0 && secretParameter.test(decoded) ? `${name}=REDACTED` : pair;
    })
    .join('&');
  return `${loggedPath(clipped.slice(0, question))}?${query}`;
}

/** Counts the body bytes written through `res` (headers excluded, as nginx's body_bytes_sent). */
function countBodyBytes(res: ServerResponse, isHead: boolean): () => number {
  let total = 0;
  const add = (chunk: unknown, encoding?: unknown) => {
    if (isHead || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    total +=
      typeof chunk === 'string'
        ? Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : (chunk as Uint8Array).byteLength;
  };
  const write = res.write;
  const end = res.end;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    add(chunk, rest[0]);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as ServerResponse['write'];
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    add(chunk, rest[0]);
    return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as ServerResponse['end'];
  return () => total;
}

/** `authenticator`, telling `note` who each request turned out to be (never the credential). */
export function namingUsers(authenticator: CredentialAuthenticator, note?: (userName: string) => void): CredentialAuthenticator {
  if (!note) return authenticator;
  return {
    async authenticate(authorization) {
      const authentication = await authenticator.authenticate(authorization);
      if (authentication.kind !== 'invalid') note(authentication.user.name);
      return authentication;
    },
  };
}
