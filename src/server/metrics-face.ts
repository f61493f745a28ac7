// /metrics in Prometheus' text format, for callers allowed to `get` that path (as Kubernetes guards it).
import type { Authenticator } from '../auth/authenticator.ts';
import type { Authorizer } from '../auth/rbac/authorizer.ts';
import type { MetricsRegistry } from '../lib/metrics.ts';
import type { Face } from './face-router.ts';
import { AppError } from '../errors.ts';
import { statusResponse } from '../api/http-responses.ts';

export function metricsFace(deps: {
  readonly authenticator: Pick<Authenticator, 'authenticate'>;
  readonly authorizer: Authorizer;
  readonly metrics: MetricsRegistry;
}): Face {
  return {
    name: 'metrics',
    serves: (pathname) => pathname === '/metrics',
    async handle(request) {
      const authentication = await deps.authenticator.authenticate(request.headers.get('authorization'));
      if (authentication.kind !== 'user') return statusResponse(new AppError('Unauthorized', 'Unauthorized'));
      if (!(await deps.authorizer.authorize(authentication.user, { kind: 'nonResource', verb: 'get', path: '/metrics' }))) {
        return statusResponse(new AppError('Forbidden', `forbidden: User "${authentication.user.name}" cannot get path "/metrics"`));
      }
      return new Response(deps.metrics.render(), { headers: { 'content-type': 'text/plain; version=0.0.4' } });
    },
  };
}
