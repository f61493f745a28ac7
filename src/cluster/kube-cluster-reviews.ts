// ClusterReviews over the official client (client-node) from a KubeConfig: TokenReview and
// SubjectAccessReview as an aggregated API server sends them. Every review has a deadline, so a
// cluster that stops answering fails a request rather than holding it.
import type { KubeConfig, V1SubjectAccessReviewSpec } from '@kubernetes/client-node';
import type { ClusterReviews, TokenReviewResult } from './cluster-reviews.ts';
import type { UserInfo } from '../auth/user.ts';
import type { RequestAttributes } from '../auth/rbac/rbac-types.ts';
import { AuthenticationV1Api, AuthorizationV1Api } from '@kubernetes/client-node';
import { AppError } from '../errors.ts';

/** How long one review may take, as Kubernetes' webhook authenticators and authorizers allow by default. */
const reviewTimeoutMs = 10_000;

export class KubeClusterReviews implements ClusterReviews {
  private readonly authentication: AuthenticationV1Api;
  private readonly authorization: AuthorizationV1Api;
  private readonly server: string;

  constructor(config: KubeConfig) {
    this.authentication = config.makeApiClient(AuthenticationV1Api);
    this.authorization = config.makeApiClient(AuthorizationV1Api);
    this.server = config.getCurrentCluster()?.server ?? 'the cluster';
  }

  async reviewToken(token: string, signal?: AbortSignal): Promise<TokenReviewResult> {
    const answer = await this.ask('TokenReview', signal, () =>
      this.authentication.createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } }),
    );
    const user = answer.status?.user;
    if (!answer.status?.authenticated || !user?.username) return { authenticated: false };
    return {
      authenticated: true,
      user: {
        name: user.username,
        groups: user.groups ?? [],
        ...(user.uid ? { uid: user.uid } : {}),
        ...(user.extra && Object.keys(user.extra).length ? { extra: user.extra } : {}),
        vouchedBy: 'cluster',
      },
    };
  }

  async reviewAccess(user: UserInfo, request: RequestAttributes, signal?: AbortSignal): Promise<boolean> {
    const spec: V1SubjectAccessReviewSpec = {
      user: user.name,
      groups: [...user.groups],
      ...(user.uid ? { uid: user.uid } : {}),
      ...(user.extra ? { extra: Object.fromEntries(Object.entries(user.extra).map(([k, v]) => [k, [...v]])) } : {}),
      ...(request.kind === 'resource'
        ? {
            resourceAttributes: {
              verb: request.verb,
              group: request.apiGroup,
              resource: request.resource,
              ...(request.subresource ? { subresource: request.subresource } : {}),
              ...(request.name ? { name: request.name } : {}),
              ...(request.namespace ? { namespace: request.namespace } : {}),
            },
          }
        : { nonResourceAttributes: { path: request.path, verb: request.verb } }),
    };
    const answer = await this.ask('SubjectAccessReview', signal, () =>
      this.authorization.createSubjectAccessReview({ body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec } }),
    );
    return answer.status?.allowed === true && answer.status.denied !== true;
  }

  /** One review with its deadline; any failure is Unavailable, naming the cluster and the code, never the token. */
  private async ask<T>(kind: string, signal: AbortSignal | undefined, send: () => Promise<T>): Promise<T> {
    // The client takes no signal per call, so the deadline races the answer (undici ends the request itself later).
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => ((timedOut = true), reject(new Error('deadline'))), reviewTimeoutMs);
      signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
    try {
      return await Promise.race([send(), deadline]);
    } catch (error) {
      // An HTTP answer's body may echo the review (and its token), so only its code is told.
      const code = (error as { code?: unknown }).code;
      const why = timedOut
        ? `no answer within ${reviewTimeoutMs / 1000}s`
        : typeof code === 'number'
          ? `HTTP ${code}`
          : String((error as Error).message ?? error).slice(0, 200);
      throw new AppError('Unavailable', `the cluster at ${this.server} could not answer a ${kind} (${why})`);
    } finally {
      clearTimeout(timer);
    }
  }
}
