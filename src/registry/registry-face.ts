// The registry face: OCI distribution 1.1 / Docker Registry v2 under /v2/, and the token endpoint
// at /openshift/token. One catch turns anything unexpected into a logged OCI UNKNOWN error.
import type { RegistryContext, RegistryDeps } from './registry-context.ts';
import { AppError, asAppError } from '../errors.ts';
import { parseRegistryPath, parseRepository, type RegistryRoute } from './repository-name.ts';
import { ociErrorResponse } from './to-oci-error.ts';
import { deleteBlob, getBlob } from './blobs.ts';
import { cancelUpload, finishUpload, patchUpload, startUpload, uploadStatus } from './uploads.ts';
import { deleteManifest, getManifest, putManifest } from './manifests.ts';
import { listCatalog, listReferrers, listTags } from './listings.ts';
import { tokenFromHeader } from '../auth/authenticator.ts';
import { deleteBlobForPrune, listBlobsForPrune } from './admin-blobs.ts';

const apiVersionHeader = { 'docker-distribution-api-version': 'registry/2.0' };

/** Whether the registry face serves `pathname`, and answers errors there in the OCI format. */
export function isRegistryPath(pathname: string): boolean {
  return pathname === '/v2' || pathname.startsWith('/v2/') || pathname === '/openshift/token' || pathname.startsWith('/admin/blobs/');
}

export class RegistryFace {
  private readonly deps: RegistryDeps;

  constructor(deps: RegistryDeps) {
    this.deps = deps;
  }

  serves(pathname: string): boolean {
    return isRegistryPath(pathname);
  }

  async handle(request: Request, requestId: string): Promise<Response> {
    const url = new URL(request.url);
    let route: RegistryRoute | undefined;
    try {
      if (url.pathname === '/openshift/token') return await this.token(request, url);
      const caller = await this.deps.access.identify(request.headers.get('authorization'));
      const context: RegistryContext = { ...this.deps, caller, requestId };
      if (url.pathname.startsWith('/admin/blobs/')) {
        const digest = decodeURIComponent(url.pathname.slice('/admin/blobs/'.length));
        if (digest === '' && request.method === 'GET') return await listBlobsForPrune(context, url);
        if (digest === '' || request.method !== 'DELETE')
          throw new AppError('MethodNotAllowed', `${request.method} is not supported here`, { ociCode: 'UNSUPPORTED' });
        return await deleteBlobForPrune(context, url, digest);
      }
      route = parseRegistryPath(url.pathname);
      const response = await this.dispatch(context, request, url, route);
      for (const [name, value] of Object.entries(apiVersionHeader)) response.headers.set(name, value);
      return response;
    } catch (error) {
      const appError = asAppError(error);
      if (appError.kind === 'Internal') this.deps.logger.error('registry request failed', { requestId, error });
      const headers: Record<string, string> = { ...apiVersionHeader };
      if (appError.kind === 'Unauthorized') headers['www-authenticate'] = this.challenge(url, route, request.method);
      const response = ociErrorResponse(appError, headers);
      return request.method === 'HEAD' ? new Response(null, { status: response.status, headers: response.headers }) : response;
    }
  }

  private async dispatch(context: RegistryContext, request: Request, url: URL, route: RegistryRoute): Promise<Response> {
    const method = request.method;
    const unsupported = () => new AppError('MethodNotAllowed', `${method} is not supported here`, { ociCode: 'UNSUPPORTED' });
    // The base, catalog, tags and referrers routes only answer reads.
    if ((route.kind === 'base' || route.kind === 'catalog' || route.kind === 'tags' || route.kind === 'referrers') && method !== 'GET' && method !== 'HEAD')
      throw unsupported();
    switch (route.kind) {
      case 'base':
        if (context.caller.anonymous) throw new AppError('Unauthorized', 'authentication required', { ociCode: 'UNAUTHORIZED' });
        return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
      case 'catalog':
        return listCatalog(context, url);
      case 'tags':
        return listTags(context, url, route.repository);
      case 'referrers':
        return listReferrers(context, url, route.repository, route.digest);
      case 'manifest':
        if (method === 'GET' || method === 'HEAD') return getManifest(context, request, route.repository, route.reference);
        if (method === 'PUT') return putManifest(context, request, route.repository, route.reference);
        if (method === 'DELETE') return deleteManifest(context, route.repository, route.reference);
        throw unsupported();
      case 'blob':
        if (method === 'GET' || method === 'HEAD') return getBlob(context, request, route.repository, route.digest);
        if (method === 'DELETE') return deleteBlob(context, route.repository, route.digest);
        throw unsupported();
      case 'uploads':
        if (method === 'POST') return startUpload(context, request, url, route.repository);
        throw unsupported();
      case 'upload':
        if (method === 'PATCH') return patchUpload(context, request, route.repository, route.id);
        if (method === 'PUT') return finishUpload(context, request, url, route.repository, route.id);
        if (method === 'GET') return uploadStatus(context, route.repository, route.id);
        if (method === 'DELETE') return cancelUpload(context, route.repository, route.id);
        throw unsupported();
    }
  }

  /** The token endpoint: no credentials gives `anonymous`; Basic with an API token as password echoes it. */
  private async token(request: Request, url: URL): Promise<Response> {
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    for (const scope of url.searchParams.getAll('scope')) {
      const [type, name] = scope.split(':');
      if (type !== 'repository') continue;
      try {
        parseRepository(name ?? '');
      } catch (error) {
        return json({ details: (error as Error).message }, 401);
      }
    }
    const header = request.headers.get('authorization');
    if (!header) return json({ token: 'anonymous', access_token: 'anonymous' });
    const token = tokenFromHeader(header);
    if (!token) return json({ details: 'unable to validate token: failed to decode credentials' }, 401);
    const result = await this.deps.access.identify(`Bearer ${token}`).catch(() => undefined);
    if (!result || result.anonymous) return json({ details: 'unable to validate token' }, 401);
    return json({ token, access_token: token, expires_in: 3600 });
  }

  private challenge(url: URL, route: RegistryRoute | undefined, method: string): string {
    const realm = `${url.protocol}//${url.host}/openshift/token`;
    const repository = route && 'repository' in route ? route.repository.path : undefined;
    const actions = method === 'GET' || method === 'HEAD' ? 'pull' : 'pull,push';
    return `Bearer realm="${realm}",service="${this.deps.publicHost()}"${repository ? `,scope="repository:${repository}:${actions}"` : ''}`;
  }
}
