// Node's HTTP server in front of the faces: turns each IncomingMessage into a web Request (with an
// AbortSignal that fires when the client goes away) and writes the Response back, streaming.
// Requests no face could read (unknown methods, malformed request lines, targets or Host headers)
// are refused here with a 4xx in the face's format, never a 500 or a dropped connection.
import { createServer as createPlainServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { isStreaming } from '../lib/streaming-response.ts';
import { lazyWebStream, takeNodeStream } from '../lib/node-streams.ts';
import { isSendable } from '../lib/sendable.ts';
import { AppError } from '../errors.ts';
import { pathOfRequestLine, refusal, type Refusal } from './refusals.ts';
import type { TLSSocket } from 'node:tls';
import { noteVerifiedClient } from '../lib/verified-client.ts';
import type { AccessLog } from './access-log.ts';

export type FetchHandler = (request: Request, requestId: string) => Promise<Response>;

/** A cached answer for a GET or HEAD, given before any web Request is built; undefined: take the full path. */
export type FastPath = (
  method: string,
  pathAndQuery: string,
  authorization: string | undefined,
  requestId: string,
) => Promise<{ status: number; headers: Record<string, string>; body: Buffer } | undefined>;

export interface HttpServerOptions {
  readonly tls?: { readonly cert: string; readonly key: string };
  /**
   * Ask TLS clients for a certificate and verify it against this CA (a front proxy's): a verified
   * one is noted on the request for the request-header authenticator. Clients without one are served as ever.
   */
  readonly clientCa?: Buffer;
  readonly fastPath?: FastPath;
  /** Aborted on shutdown: every in-flight request's signal follows it. */
  readonly shutdown: AbortSignal;
  /** Logs every request that reached a handler (a refusal of a malformed one included). */
  readonly accessLog?: AccessLog;
}

export function createHttpServer(handler: FetchHandler, options: HttpServerOptions): Server {
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const incomingId = req.headers['x-request-id'];
    const requestId = typeof incomingId === 'string' && /^[\w.-]{1,64}$/.test(incomingId) ? incomingId : randomUUID();
    const run = () => serve(handler, req, res, requestId, options.shutdown, options.tls !== undefined, options.fastPath, options.clientCa !== undefined);
    void (options.accessLog ? options.accessLog.record(req, res, requestId, run) : run());
  };
  // Missing Host headers are answered below, in the face's format, rather than by Node's bare 400.
  const serverOptions = { requireHostHeader: false };
  const server = options.tls
    ? createHttpsServer(
        {
          ...serverOptions,
          cert: readFileSync(options.tls.cert),
          key: readFileSync(options.tls.key),
          ...(options.clientCa ? { requestCert: true, rejectUnauthorized: false, ca: options.clientCa } : {}),
        },
        listener,
      )
    : createPlainServer(serverOptions, listener);
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerClientError);
  // An Expect other than 100-continue: Node would answer a bare 417 without this.
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    writeRefusal(
      res,
      refusal(path, new AppError('BadRequest', `the expectation "${String(req.headers.expect).slice(0, 50)}" cannot be met`), 417),
      randomUUID(),
      req.method,
    );
  });
  // Node hands CONNECT to this event and drops the connection when nobody listens.
  server.on('connect', (req: IncomingMessage, socket: Duplex) => writeRaw(socket, refusal('/', methodNotAllowed(req.method ?? 'CONNECT'))));
  return server;
}

/** The methods some face serves; any other gets 405 before a web Request is built (fetch refuses TRACE). */
const servedMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function methodNotAllowed(method: string): AppError {
  return new AppError('MethodNotAllowed', `the method ${method.slice(0, 20)} is not allowed: this server serves ${[...servedMethods].join(', ')}`, {
    ociCode: 'UNSUPPORTED',
  });
}

/** A request Node's parser refused: 405 for an unknown method, 431 or 408 as Node would, else 400. */
function answerClientError(error: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void {
  // A response already under way on this connection (or a vanished client) cannot take another.
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const path = pathOfRequestLine(error.rawPacket);
  const method = error.rawPacket?.subarray(0, 64).toString('latin1').split(' ', 1)[0] ?? '';
  // A method Node does not know is still a method when it is a token (RFC 9110 §9.1); bytes that are not are no request line.
  if (error.code === 'HPE_INVALID_METHOD' && /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$/.test(method))
    return writeRaw(socket, refusal(path, methodNotAllowed(method)));
  if (error.code === 'HPE_HEADER_OVERFLOW') return writeRaw(socket, refusal(path, new AppError('TooLarge', 'the request headers are too large'), 431));
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return writeRaw(socket, refusal(path, new AppError('Timeout', 'the request was not received in time'), 408));
  writeRaw(socket, refusal(path, new AppError('BadRequest', `malformed HTTP request (${error.code ?? 'unreadable'})`)));
}

const reasons: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  417: 'Expectation Failed',
  431: 'Request Header Fields Too Large',
};

function writeRaw(socket: Duplex, answer: Refusal): void {
  const headers = Object.entries({ ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)), connection: 'close' })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${answer.status} ${reasons[answer.status] ?? 'Error'}\r\n${headers}\r\n${answer.body}`);
}

function writeRefusal(res: ServerResponse, answer: Refusal, requestId: string, method: string | undefined): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)), 'x-request-id': requestId });
  res.end(method === 'HEAD' ? undefined : answer.body);
}

const dotSegment = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

/** What a request names, or the refusal when its method, target or Host header cannot be served. */
function readTarget(req: IncomingMessage): { pathAndQuery: string; host: string } | { refused: Refusal } {
  const raw = req.url ?? '/';
  let pathAndQuery = raw;
  // The absolute form (`GET http://host/path`) is what proxies send; its path is what counts here.
  if (!raw.startsWith('/')) {
    const absolute = /^https?:\/\/[^/?#]*(.*)$/i.exec(raw);
    if (!absolute) return { refused: refusal('/', new AppError('BadRequest', `malformed request target "${raw.slice(0, 100)}": it must be a path`)) };
    pathAndQuery = absolute[1].startsWith('/') ? absolute[1] : `/${absolute[1]}`;
  }
  const path = pathAndQuery.split('?', 1)[0];
  if (!servedMethods.has(req.method ?? '')) return { refused: refusal(path, methodNotAllowed(req.method ?? '')) };
  // Parsing the URL would resolve dot segments away, so a face would serve (and log) another path
  // than the one sent: a webhook secret moved out of its receiver's path would be logged in clear.
  if (dotSegment.test(path)) return { refused: refusal(path, new AppError('BadRequest', 'the request path must not contain "." or ".." segments')) };
  const hosts = req.rawHeaders.filter((_value, i) => i % 2 === 0 && req.rawHeaders[i].toLowerCase() === 'host').length;
  const host = req.headers.host ?? (req.httpVersion === '1.0' ? 'localhost' : undefined);
  if (hosts > 1 || host === undefined || !isHost(host)) {
    const problem = hosts > 1 ? 'more than one Host header' : host === undefined ? 'no Host header' : `a malformed Host header "${host.slice(0, 100)}"`;
    return { refused: refusal(path, new AppError('BadRequest', `the request has ${problem}`)) };
  }
  return { pathAndQuery, host };
}

/** A host name, IPv4 or bracketed IPv6 address, with an optional port: nothing that could change the URL's path. */
function isHost(value: string): boolean {
  const match = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(value);
  if (!match || (match[1] !== undefined && Number(match[1]) > 65_535)) return false;
  return URL.canParse(`http://${value}/`);
}

async function serve(
  handler: FetchHandler,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  shutdown: AbortSignal,
  secure: boolean,
  fastPath?: FastPath,
  verifiesClients = false,
): Promise<void> {
  const aborter = new AbortController();
  const abort = () => aborter.abort();
  // Only a client that goes away before the answer is complete aborts the request.
  res.once('close', () => {
    if (!res.writableFinished) abort();
  });
  shutdown.addEventListener('abort', abort, { once: true });
  try {
    const target = readTarget(req);
    if ('refused' in target) return writeRefusal(res, target.refused, requestId, req.method);
    if (fastPath && (req.method === 'GET' || req.method === 'HEAD')) {
      const answer = await fastPath(req.method, target.pathAndQuery, req.headers.authorization, requestId);
      if (answer) {
        res.writeHead(answer.status, { ...answer.headers, 'x-request-id': requestId });
        res.end(req.method === 'HEAD' ? undefined : answer.body);
        return;
      }
    }
    const request = toRequest(req, target, aborter.signal, secure);
    const socket = req.socket as TLSSocket;
    // `authorized` holds only for a certificate that chains to the client CA; any other is no one's.
    if (verifiesClients && socket.authorized) noteVerifiedClient(request, { certificate: socket.getPeerCertificate(), headers: req.headersDistinct });
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

function toRequest(req: IncomingMessage, target: { pathAndQuery: string; host: string }, signal: AbortSignal, secure: boolean): Request {
  const url = `${secure ? 'https' : 'http'}://${target.host}${target.pathAndQuery}`;
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
