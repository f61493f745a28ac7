// Node's HTTP server in front of the faces: turns each IncomingMessage into a web Request (with an
// AbortSignal that fires when the client goes away) and writes the Response back, streaming.
import { createServer as createPlainServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { isStreaming } from '../lib/streaming-response.ts';
import { lazyWebStream, takeNodeStream } from '../lib/node-streams.ts';
import { isSendable } from '../lib/sendable.ts';

export type FetchHandler = (request: Request, requestId: string) => Promise<Response>;

/** A cached answer for a GET or HEAD, given before any web Request is built; undefined: take the full path. */
export type FastPath = (method: string, pathAndQuery: string, authorization: string | undefined, requestId: string) => Promise<{ status: number; headers: Record<string, string>; body: Buffer } | undefined>;

export interface HttpServerOptions {
  readonly tls?: { readonly cert: string; readonly key: string };
  readonly fastPath?: FastPath;
  /** Aborted on shutdown: every in-flight request's signal follows it. */
  readonly shutdown: AbortSignal;
}

export function createHttpServer(handler: FetchHandler, options: HttpServerOptions): Server {
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    void serve(handler, req, res, options.shutdown, options.tls !== undefined, options.fastPath);
  };
  const server = options.tls ? createHttpsServer({ cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key) }, listener) : createPlainServer(listener);
  server.keepAliveTimeout = 65_000;
  return server;
}

async function serve(handler: FetchHandler, req: IncomingMessage, res: ServerResponse, shutdown: AbortSignal, secure: boolean, fastPath?: FastPath): Promise<void> {
  const aborter = new AbortController();
  const abort = () => aborter.abort();
  // Only a client that goes away before the answer is complete aborts the request.
  res.once('close', () => {
    if (!res.writableFinished) abort();
  });
  shutdown.addEventListener('abort', abort, { once: true });
  const incomingId = req.headers['x-request-id'];
  const requestId = typeof incomingId === 'string' && /^[\w.-]{1,64}$/.test(incomingId) ? incomingId : randomUUID();
  try {
    if (fastPath && (req.method === 'GET' || req.method === 'HEAD')) {
      const answer = await fastPath(req.method, req.url ?? '/', req.headers.authorization, requestId);
      if (answer) {
        res.writeHead(answer.status, { ...answer.headers, 'x-request-id': requestId });
        res.end(req.method === 'HEAD' ? undefined : answer.body);
        return;
      }
    }
    const request = toRequest(req, aborter.signal, secure);
    const response = await handler(request, requestId);
    const headers: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      if (name === 'set-cookie') headers[name] = response.headers.getSetCookie();
      else headers[name] = value;
    });
    headers['x-request-id'] = requestId;
    if (!response.body || req.method === 'HEAD') {
      res.writeHead(response.status, headers);
      res.end();
      await response.body?.cancel();
      return;
    }
    if (!isStreaming(response)) {
      const body = Buffer.from(await response.arrayBuffer());
      headers['content-length'] = String(body.byteLength);
      res.writeHead(response.status, headers);
      res.end(body);
      return;
    }
    res.writeHead(response.status, headers);
    res.flushHeaders();
    const direct = takeNodeStream(response.body);
    if (direct && isSendable(direct)) {
      await direct.sendTo(res, aborter.signal);
      res.end();
      return;
    }
    await pipeline(direct ?? Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), res);
  } catch (error) {
    if (!res.headersSent) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error\n');
    } else res.destroy(error as Error);
  } finally {
    shutdown.removeEventListener('abort', abort);
  }
}

function toRequest(req: IncomingMessage, signal: AbortSignal, secure: boolean): Request {
  const host = req.headers.host ?? 'localhost';
  const url = `${secure ? 'https' : 'http'}://${host}${req.url ?? '/'}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(url, {
    method: req.method,
    headers,
    signal,
    body: hasBody ? lazyWebStream(req) : undefined,
    duplex: 'half',
  } as RequestInit);
}
