// The webhook face: registries POST their push notifications to a receiver's URL,
//   /apis/image.openshift.io/v1/namespaces/NS/imagestreamwebhooks/NAME/TYPE          (signing senders)
//   /apis/image.openshift.io/v1/namespaces/NS/imagestreamwebhooks/NAME/SECRET/TYPE   (the others)
// without an API token: the secret proves the sender. A verified delivery's hints select the spec
// tags that follow what was pushed, which are checked and imported in the background; the answer
// (202) does not wait for them, as senders give up after a few seconds. Nothing is stored and no
// registry is asked before a delivery is verified, and never one the project does not track.
import type { ResourceStore } from '../store/resource-store.ts';
import type { ImageStreamWebhook, WebhookType } from '../kube/kinds/image.ts';
import type { Secret } from '../kube/kinds/core.ts';
import type { Logger } from '../lib/logger.ts';
import type { Counter } from '../lib/metrics.ts';
import type { HintImports } from './hint-imports.ts';
import { AppError, unlessNotFound } from '../errors.ts';
import { kinds } from '../kube/kinds.ts';
import { webhookSecretKey, webhookTypes } from '../kube/kinds/image.ts';
import { getKindValue, listKindValues } from '../store/kind-values.ts';
import { readRequestAtMost } from '../lib/read-limited.ts';
import { readPushHints } from './payload-formats.ts';
import { isSigningSender, secretMatches, signatureHeaders, signatureMatches } from './sender-verification.ts';
import { followingTags } from './following-tags.ts';
import { RecentDeliveries } from './recent-deliveries.ts';

/** Bodies larger than this are refused unread: GitHub's package events, the largest, are a few KiB. */
export const maxWebhookBodyBytes = 1024 * 1024;

/** Project and receiver names are DNS labels; anything else names no receiver (and no other key of the store). */
const objectName = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

/** Any path below a receiver, for the log's redaction. */
const underReceiver = /^(\/apis\/image\.openshift\.io\/v1\/namespaces\/[^/]+\/imagestreamwebhooks\/[^/]+)\/(.+)$/;

const route = /^\/apis\/image\.openshift\.io\/v1\/namespaces\/([^/]+)\/imagestreamwebhooks\/([^/]+)\/(?:([^/]+)\/)?([^/]+)$/;

export interface WebhookFaceDeps {
  readonly store: Pick<ResourceStore, 'get' | 'list'>;
  readonly imports: Pick<HintImports, 'hint'>;
  /** Renders a refusal as the API renders its errors (a Kubernetes Status). */
  readonly renderError: (error: AppError, headers?: Record<string, string>) => Response;
  readonly logger: Logger;
  /** Deliveries by receiver type and result: accepted, duplicate, unverified, malformed. */
  readonly deliveries?: Counter;
}

export class WebhookFace {
  private readonly deps: WebhookFaceDeps;
  private readonly recent = new RecentDeliveries();

  constructor(deps: WebhookFaceDeps) {
    this.deps = deps;
  }

  serves(pathname: string): boolean {
    return route.test(pathname);
  }

  /** A path as logs may show it: whatever follows a receiver's name, but its type, is taken for a secret. */
  loggedPath(pathname: string): string {
    const match = underReceiver.exec(pathname);
    if (!match || isWebhookType(match[2])) return pathname;
    const last = match[2].slice(match[2].lastIndexOf('/') + 1);
    return `${match[1]}/<secret>${isWebhookType(last) ? `/${last}` : ''}`;
  }

  async handle(request: Request, requestId: string): Promise<Response> {
    const [, namespace, name, urlSecret, urlType] = route.exec(new URL(request.url).pathname)!;
    if (request.method !== 'POST')
      return this.deps.renderError(new AppError('MethodNotAllowed', 'a webhook receiver takes POST requests only'), { allow: 'POST' });
    if (!isWebhookType(urlType))
      return this.refuse(undefined, 'malformed', new AppError('NotFound', `a receiver URL ends with its type: ${webhookTypes.join(', ')}`));
    const body = await readRequestAtMost(request, maxWebhookBodyBytes);
    if (!body) return this.refuse(urlType, 'malformed', new AppError('TooLarge', `the payload is larger than ${maxWebhookBodyBytes} bytes`));
    const receiver = await this.verifiedReceiver(namespace, name, urlType, urlSecret, request.headers, body);
    if (receiver instanceof AppError) {
      this.deps.logger.info('webhook delivery refused', { requestId, namespace, receiver: name, reason: receiver.message });
      return this.refuse(urlType, 'unverified', receiver);
    }
    const type = receiver.spec.type;
    if (urlType !== type) return this.refuse(type, 'malformed', new AppError('BadRequest', `this receiver reads ${type} payloads: end its URL with /${type}`));
    let hints;
    try {
      hints = readPushHints(type, parseBody(request.headers.get('content-type'), body), request.headers);
    } catch (error) {
      if (error instanceof AppError) return this.refuse(type, 'malformed', error);
      throw error;
    }
    const fresh = hints.filter((hint) => !hint.deliveryId || this.recent.firstTime(`${namespace}/${name}`, hint.deliveryId));
    if (hints.length > 0 && fresh.length === 0) {
      this.deps.deliveries?.inc({ type, result: 'duplicate' });
      return accepted('this delivery was received already');
    }
    const streams = fresh.length > 0 ? (await listKindValues(this.deps.store, kinds.imageStreams, namespace)).items : [];
    let matched = 0;
    for (const hint of fresh) {
      const registry = receiver.spec.registry ?? hint.registry;
      if (!registry) continue;
      for (const follower of followingTags(streams, hint, registry)) {
        this.deps.imports.hint(namespace, follower.stream, follower.tag, name, hint.digest);
        matched++;
      }
    }
    this.deps.deliveries?.inc({ type, result: 'accepted' });
    this.deps.logger.info('webhook delivery', { requestId, namespace, receiver: name, type, pushes: fresh.length, tags: matched });
    return accepted(
      matched === 0
        ? 'no tag of this project follows what was pushed'
        : `${matched} ${matched === 1 ? 'tag follows' : 'tags follow'} what was pushed: each is checked and imported if it moved`,
    );
  }

  /**
   * The receiver, if the delivery proves it comes from its sender; else the refusal: 401 without
   * proof, 403 with a wrong one. Until then the answer depends on the request alone, never on
   * whether the receiver exists, so URLs cannot be probed for receivers.
   */
  private async verifiedReceiver(
    namespace: string,
    name: string,
    type: WebhookType,
    urlSecret: string | undefined,
    headers: Headers,
    body: Buffer,
  ): Promise<ImageStreamWebhook | AppError> {
    const signing = isSigningSender(type);
    const signature = signing ? headers.get(signatureHeaders[type]!) : null;
    if (signing ? !signature : !urlSecret)
      return new AppError(
        'Unauthorized',
        signing ? `a ${type} delivery must be signed (${signatureHeaders[type]!})` : 'the receiver URL must carry its secret',
      );
    const wrong = new AppError('Forbidden', 'the webhook could not be verified');
    if (!objectName.test(namespace) || !objectName.test(name)) return wrong;
    const receiver = await unlessNotFound(getKindValue(this.deps.store, kinds.imageStreamWebhooks, namespace, name));
    const secret = receiver ? await this.secretOf(namespace, receiver) : undefined;
    if (!receiver || secret === undefined) return wrong;
    // A signing sender's secret never travels, so one in its URL proves nothing.
    const proven = signing ? signatureMatches(body, signature!, secret) : secretMatches(urlSecret!, secret);
    return proven ? receiver : wrong;
  }

  private async secretOf(namespace: string, receiver: ImageStreamWebhook): Promise<string | undefined> {
    const secretName = receiver.spec.secretRef?.name;
    if (!secretName) return undefined;
    const secret: Secret | undefined = await unlessNotFound(getKindValue(this.deps.store, kinds.secrets, namespace, secretName));
    const encoded = secret?.data?.[webhookSecretKey];
    if (!encoded) {
      this.deps.logger.warn('a webhook receiver has no secret to verify with', { namespace, receiver: receiver.metadata?.name, secret: secretName });
      return undefined;
    }
    const value = Buffer.from(encoded, 'base64').toString('utf8');
    return value === '' ? undefined : value;
  }

  private refuse(type: string | undefined, result: string, error: AppError): Response {
    this.deps.deliveries?.inc({ type: type && /^[a-z]{1,20}$/.test(type) ? type : 'unknown', result });
    return this.deps.renderError(error);
  }
}

/** The payload as JSON: a JSON body, or GitHub's form encoding (`payload=<json>`). */
function parseBody(contentType: string | null, body: Buffer): unknown {
  const type = (contentType ?? 'application/json').split(';', 1)[0].trim().toLowerCase();
  let text = body.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') {
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) throw new AppError('BadRequest', 'a form-encoded delivery carries its JSON in the field "payload"');
    text = payload;
  } else if (type !== 'application/json' && !type.endsWith('+json') && type !== 'text/plain') {
    throw new AppError('UnsupportedMediaType', `the payload must be JSON, not ${type.slice(0, 100)}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('BadRequest', 'the payload is not valid JSON');
  }
}

function accepted(message: string): Response {
  return new Response(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', message, code: 202 }), {
    status: 202,
    headers: { 'content-type': 'application/json' },
  });
}

function isWebhookType(text: string): text is WebhookType {
  return (webhookTypes as readonly string[]).includes(text);
}
