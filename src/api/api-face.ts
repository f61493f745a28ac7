// The Kubernetes-style API face: authenticates every request, authorizes it with RBAC, and serves
// discovery, OpenAPI and resources. One catch turns anything unexpected into a logged InternalError.
import type { ResourceCatalogue, ResourceDefinition } from './resource-definition.ts';
import type { RequestContext } from './rest-storage.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import type { Authorizer } from '../auth/rbac/authorizer.ts';
import type { RequestAttributes } from '../auth/rbac/rbac-types.ts';
import type { UserInfo } from '../auth/user.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { AppError, asAppError } from '../errors.ts';
import { describeDenial } from '../auth/rbac/authorizer.ts';
import { parseRequestInfo, type ResourceRequestInfo } from './request-info.ts';
import { aggregatedContentType, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, groupVersions } from './discovery.ts';
import { aggregatedDiscoveryVersion } from './negotiation.ts';
import { findGroupVersionDocument, openApiRoot } from './openapi/v3-documents.ts';
import { swaggerDocument } from './openapi/v2-document.ts';
import { encodeSwaggerDocument, openApiV2ProtobufTypes } from './openapi/gnostic-protobuf.ts';
import { findLegacyStandIn, legacyStandIns } from './legacy-kinds.ts';
import { handleResourceRequest } from './resource-handler.ts';
import { jsonResponse, statusResponse } from './http-responses.ts';
import { bodyLimits, type BodyLimits } from './body-limits.ts';
import { YamlBodyParser } from './yaml-body-parser.ts';
import { impersonatedUser } from './impersonation.ts';

export interface ApiFaceDeps {
  readonly catalogue: ResourceCatalogue;
  readonly authenticator: Pick<Authenticator, 'authenticate'>;
  /** A front proxy's word on who asks (request headers under a verified client certificate), asked before tokens. */
  readonly frontProxy?: {
    authenticate(request: Request): { readonly kind: 'user'; readonly user: UserInfo } | { readonly kind: 'refused'; readonly reason: string } | undefined;
  };
  readonly authorizer: Authorizer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
  /** `major.minor` reported by /version; kubectl's dispatcher picks its binary from it. */
  readonly kubernetesVersion: string;
}

export class ApiFace {
  private readonly deps: ApiFaceDeps;
  private readonly limits: BodyLimits;
  private readonly yaml: YamlBodyParser;
  private readonly discoverableOf = new WeakMap<readonly ResourceDefinition[], readonly ResourceDefinition[]>();
  private readonly openApiV2Of = new WeakMap<readonly ResourceDefinition[], Uint8Array<ArrayBuffer>>();

  constructor(deps: ApiFaceDeps) {
    this.deps = deps;
    this.limits = bodyLimits(deps.maxBodyBytes);
    // Its worker threads start with the first YAML body and keep the process alive only while parsing.
    this.yaml = new YamlBodyParser(this.limits);
  }

  /** Whether this face serves `pathname`. */
  serves(pathname: string): boolean {
    return (
      pathname === '/version' ||
      pathname === '/api' ||
      pathname.startsWith('/api/') ||
      pathname === '/apis' ||
      pathname.startsWith('/apis/') ||
      pathname.startsWith('/openapi/')
    );
  }

  async handle(request: Request, requestId: string): Promise<Response> {
    try {
      return await this.route(request, requestId);
    } catch (error) {
      const appError = asAppError(error);
      if (appError.kind === 'Internal') this.deps.logger.error('request failed', { requestId, error });
      return statusResponse(appError);
    }
  }

  private async route(request: Request, requestId: string): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/version') return jsonResponse(this.version());
    const proxied = this.deps.frontProxy?.authenticate(request);
    if (proxied?.kind === 'refused') throw new AppError('Unauthorized', 'Unauthorized');
    const authentication = proxied ?? (await this.deps.authenticator.authenticate(request.headers.get('authorization')));
    if (authentication.kind !== 'user') throw new AppError('Unauthorized', 'Unauthorized');
    const user = await impersonatedUser(authentication.user, request.headers, this.deps.authorizer);
    const info = parseRequestInfo(request.method, url);
    if (info.kind === 'nonResource') return this.nonResource(request, url);
    const legacy = findLegacyStandIn(this.deps.catalogue.definitions, info);
    if (legacy) {
      await this.authorize(user, { ...info, group: legacy.target.group, resource: legacy.target.resource });
      throw new AppError('BadRequest', legacy.message);
    }
    const definition = this.deps.catalogue.find(info.group, info.version, info.resource);
    if (!definition || (definition.namespaced === false && info.namespace && !['namespaces', 'projects'].includes(info.resource))) {
      throw new AppError('NotFound', 'the server could not find the requested resource');
    }
    if (definition.namespaced && !info.namespace && info.name !== undefined) throw new AppError('NotFound', 'the server could not find the requested resource');
    if (!definition.verbs.includes(info.verb as never) && !info.subresource) {
      throw new AppError('MethodNotAllowed', `the server does not allow this method on the requested resource`);
    }
    await this.authorize(user, info);
    const context: RequestContext = {
      user,
      namespace: definition.namespaced ? info.namespace : undefined,
      signal: request.signal,
      requestId,
      can: (attributes) => this.deps.authorizer.authorize(user, attributes),
    };
    return handleResourceRequest(
      {
        catalogue: this.deps.catalogue,
        clock: this.deps.clock,
        limits: this.limits,
        yaml: this.yaml,
        onWatchError: (error) => this.deps.logger.error('watch failed', { requestId, error }),
      },
      request,
      url,
      info,
      definition,
      context,
    );
  }

  private async authorize(user: UserInfo, info: ResourceRequestInfo): Promise<void> {
    const attributes: RequestAttributes = {
      kind: 'resource',
      verb: info.verb,
      apiGroup: info.group,
      resource: info.resource,
      subresource: info.subresource,
      name: info.name,
      namespace: info.namespace,
    };
    if (await this.deps.authorizer.authorize(user, attributes)) return;
    const target = info.name ? `${qualifiedResource(info)} "${info.name}"` : qualifiedResource(info);
    throw new AppError('Forbidden', `${target} is forbidden: ${describeDenial(user, attributes)}`, {
      subject: { name: info.name, group: info.group, kind: info.resource },
    });
  }

  private nonResource(request: Request, url: URL): Response {
    const definitions = this.discoverable();
    const path = url.pathname.replace(/\/$/, '');
    const aggregated = aggregatedDiscoveryVersion(request.headers.get('accept'));
    if (path === '/api') {
      if (aggregated) return jsonResponse(aggregatedDiscovery(aggregated, definitions, true), 200, { 'content-type': aggregatedContentType(aggregated) });
      return jsonResponse(apiVersions(url.host));
    }
    if (path === '/apis') {
      if (aggregated) return jsonResponse(aggregatedDiscovery(aggregated, definitions, false), 200, { 'content-type': aggregatedContentType(aggregated) });
      return jsonResponse(apiGroupList(definitions));
    }
    if (path === '/openapi/v2') {
      const accept = request.headers.get('accept') ?? '';
      const protobuf = openApiV2ProtobufTypes.asked.some((type) => accept.includes(type));
      return protobuf
        ? new Response(this.openApiV2Protobuf(definitions), { headers: { 'content-type': openApiV2ProtobufTypes.answered } })
        : jsonResponse(swaggerDocument(definitions));
    }
    if (path === '/openapi/v3') return jsonResponse(openApiRoot(definitions));
    if (path.startsWith('/openapi/v3/')) {
      const document = findGroupVersionDocument(definitions, path.slice('/openapi/v3/'.length));
      if (document) return jsonResponse(document);
    }
    const parts = path.split('/').filter(Boolean);
    for (const gv of groupVersions(definitions)) {
      if (path === (gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}`))
        return jsonResponse(apiResourceList(gv.group, gv.version, gv.definitions));
      if (gv.group && parts.length === 2 && parts[0] === 'apis' && parts[1] === gv.group) return jsonResponse(apiGroup(gv.group, gv.version));
    }
    throw new AppError('NotFound', 'the server could not find the requested resource');
  }

  /** What discovery and the OpenAPI documents list: the catalogue, and the stand-ins of OpenShift 3's legacy kinds. */
  private discoverable(): readonly ResourceDefinition[] {
    const definitions = this.deps.catalogue.definitions;
    let all = this.discoverableOf.get(definitions);
    if (!all) this.discoverableOf.set(definitions, (all = [...definitions, ...legacyStandIns(definitions)]));
    return all;
  }

  /** Encoded once per set of definitions: kubectl 1.27 and 1.28 fetch it at every command. */
  private openApiV2Protobuf(definitions: readonly ResourceDefinition[]): Uint8Array<ArrayBuffer> {
    let encoded = this.openApiV2Of.get(definitions);
    if (!encoded) this.openApiV2Of.set(definitions, (encoded = new Uint8Array(encodeSwaggerDocument(swaggerDocument(definitions)))));
    return encoded;
  }

  private version(): Record<string, string> {
    const [major, minor] = this.deps.kubernetesVersion.split('.');
    return {
      major,
      minor,
      gitVersion: `v${major}.${minor}.0-imagestream`,
      gitCommit: '',
      gitTreeState: 'clean',
      buildDate: '',
      goVersion: '',
      compiler: 'imagestream',
      platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
    };
  }
}

function qualifiedResource(info: ResourceRequestInfo): string {
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  return info.group ? `${resource}.${info.group}` : resource;
}
