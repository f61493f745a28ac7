// Liveness, readiness and the discovery document clients read to find the registry host (and the
// server's version). Ready
// means the store answers, so a load balancer sends nothing to a replica cut off from etcd.
import type { ResourceStore } from '../store/resource-store.ts';
import type { Logger } from '../lib/logger.ts';
import type { Face } from './face-router.ts';
import { imagestreamVersion } from '../lib/version.ts';

const text = (body: string, status = 200) => new Response(body, { status, headers: { 'content-type': 'text/plain' } });

export function healthFace(deps: {
  readonly store: Pick<ResourceStore, 'currentResourceVersion'>;
  readonly logger: Logger;
  readonly publicHost: string;
}): Face {
  return {
    name: 'health',
    serves: (pathname) => pathname === '/healthz' || pathname === '/livez' || pathname === '/readyz' || pathname === '/.well-known/imagestream',
    async handle(request) {
      const { pathname } = new URL(request.url);
      if (pathname === '/.well-known/imagestream')
        return new Response(JSON.stringify({ registryHost: deps.publicHost, version: imagestreamVersion }), {
          headers: { 'content-type': 'application/json' },
        });
      if (pathname !== '/readyz') return text('ok');
      const ready = await deps.store.currentResourceVersion().then(
        () => true,
        (error: unknown) => {
          deps.logger.warn('not ready: the store does not answer', { error });
          return false;
        },
      );
      return ready ? text('ok') : text('the store does not answer\n', 503);
    },
  };
}
