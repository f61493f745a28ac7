// Routes each request to the first face that serves its path, with one pair of metrics for every
// face, and one catch for anything a face let escape. (The access log, in http.ts, logs each request.)
import type { Logger } from '../lib/logger.ts';
import type { MetricsRegistry } from '../lib/metrics.ts';
import { AppError } from '../errors.ts';
import { statusResponse } from '../api/http-responses.ts';

export interface Face {
  readonly name: string;
  serves(pathname: string): boolean;
  handle(request: Request, requestId: string): Promise<Response>;
  /** A path as the request log may show it, for paths that can carry a secret (webhook URLs); applied to every request's path. */
  loggedPath?(pathname: string): string;
}

export interface FaceRouter {
  handle(request: Request, requestId: string): Promise<Response>;
  /** Counts an answer given outside `handle` (the registry's fast path) like any other. */
  observe(face: string, method: string, status: number, seconds: number): void;
  /** The path as a log may show it: every face's redaction of secrets in paths applied. */
  loggedPath(pathname: string): string;
}

export function createFaceRouter(deps: { readonly faces: readonly Face[]; readonly metrics: MetricsRegistry; readonly logger: Logger }): FaceRouter {
  const requests = deps.metrics.counter('ims_http_requests_total', 'HTTP requests served, by face, method and status code.');
  const latency = deps.metrics.histogram('ims_http_request_duration_seconds', 'Time to the response headers, by face and method.');
  const observe = (face: string, method: string, status: number, seconds: number) => {
    requests.inc({ face, method, code: String(status) });
    latency.observe({ face, method }, seconds);
  };
  // Every face's redaction applies to every path, so a near miss of a secret-bearing URL (a trailing
  // slash, an extra segment) is logged without its secret too.
  const loggedPath = (pathname: string) => deps.faces.reduce((path, f) => f.loggedPath?.(path) ?? path, pathname);
  return {
    observe,
    loggedPath,
    async handle(request, requestId) {
      const started = performance.now();
      const { pathname } = new URL(request.url);
      const face = deps.faces.find((f) => f.serves(pathname));
      let status = 500;
      try {
        const response = face
          ? await face.handle(request, requestId)
          : statusResponse(new AppError('NotFound', 'the server could not find the requested resource'));
        status = response.status;
        return response;
      } catch (error) {
        deps.logger.error('request failed', { requestId, error });
        return statusResponse(new AppError('Internal', 'an internal error occurred'));
      } finally {
        const seconds = (performance.now() - started) / 1000;
        observe(face?.name ?? 'none', request.method, status, seconds);
      }
    },
  };
}
