// /admission/: the mutating webhook the cluster calls (POST /admission/<key>/images, TLS only), and
// for administrators the MutatingWebhookConfiguration that registers it
// (GET /admission/webhook-configuration, read by `ims adm cluster webhook-config`).
import { readFile } from 'node:fs/promises';
import type { Authenticator } from '../auth/authenticator.ts';
import type { Authorizer } from '../auth/rbac/authorizer.ts';
import type { AdmissionWebhookDeps } from './admission-webhook.ts';
import type { WebhookKey } from './webhook-key.ts';
import { AppError, asAppError } from '../errors.ts';
import { jsonResponse, statusResponse } from '../api/http-responses.ts';
import { reviewAdmission } from './admission-webhook.ts';
import { parseServiceTarget, parseUrlTarget, webhookConfiguration, type WebhookTarget } from './webhook-configuration.ts';

export interface AdmissionFaceDeps extends AdmissionWebhookDeps {
  readonly key: WebhookKey;
  readonly authenticator: Pick<Authenticator, 'authenticate'>;
  readonly authorizer: Authorizer;
  /** The certificate file this server serves TLS with, the CA bundle of a self-signed setup. */
  readonly tlsCert?: string;
  /** The HTTPS URL the cluster reaches this server at, when no Service is named. */
  readonly defaultUrl?: string;
}

export const configurationPath = '/admission/webhook-configuration';

export function admissionFace(deps: AdmissionFaceDeps) {
  return {
    name: 'admission',
    serves: (pathname: string) => pathname.startsWith('/admission/'),
    // The webhook key is in the path; logs are read by more people than may register webhooks.
    loggedPath: (pathname: string) => (!pathname.startsWith('/admission/') || pathname === configurationPath ? pathname : '/admission/<key>/…'),
    async handle(request: Request, requestId: string): Promise<Response> {
      try {
        if (new URL(request.url).pathname === configurationPath) return await configuration(deps, request);
        return await reviewAdmission(deps, request, requestId);
      } catch (error) {
        const failure = asAppError(error);
        if (failure.kind === 'Internal') deps.logger.error('admission request failed', { requestId, error });
        return statusResponse(failure);
      }
    },
  };
}

async function configuration(deps: AdmissionFaceDeps, request: Request): Promise<Response> {
  if (request.method !== 'GET') throw new AppError('MethodNotAllowed', 'the webhook configuration is read with GET');
  const authentication = await deps.authenticator.authenticate(request.headers.get('authorization'));
  if (authentication.kind !== 'user') throw new AppError('Unauthorized', 'Unauthorized');
  // It carries the webhook key: only those who may register webhooks read it.
  const allowed = await deps.authorizer.authorize(authentication.user, {
    kind: 'resource',
    verb: 'create',
    apiGroup: 'admissionregistration.k8s.io',
    resource: 'mutatingwebhookconfigurations',
  });
  if (!allowed)
    throw new AppError(
      'Forbidden',
      `mutatingwebhookconfigurations.admissionregistration.k8s.io is forbidden: User "${authentication.user.name}" cannot create resource "mutatingwebhookconfigurations" in API group "admissionregistration.k8s.io" at the cluster scope`,
    );
  const params = new URL(request.url).searchParams;
  const service = params.get('service');
  const url = params.get('url') ?? deps.defaultUrl;
  if (service && params.get('url')) throw new AppError('BadRequest', 'name a service or a URL, not both');
  const target: WebhookTarget | undefined = service ? parseServiceTarget(service) : url ? parseUrlTarget(url) : undefined;
  if (!target) throw new AppError('BadRequest', 'this server serves no HTTPS: name the service or URL the cluster reaches it at');
  const failurePolicy = params.get('failurePolicy') ?? 'Ignore';
  if (failurePolicy !== 'Ignore' && failurePolicy !== 'Fail')
    throw new AppError('BadRequest', `the failure policy must be Ignore or Fail, not "${failurePolicy.slice(0, 20)}"`);
  if (!deps.tlsCert)
    throw new AppError('BadRequest', 'the cluster calls webhooks over TLS only: start ims serve with --tls-cert and --tls-key (and --listen-tls)');
  const caBundlePem = await readFile(deps.tlsCert, 'utf8');
  return jsonResponse(webhookConfiguration({ target, key: await deps.key.value(), caBundlePem, failurePolicy }));
}
