// The MutatingWebhookConfiguration that registers this server's admission webhook with a cluster:
// its rules are the workload kinds the webhook reviews, its URL carries the webhook key, and its
// CA bundle is what the cluster verifies this server's certificate with.
import type { KindIdentity } from '../kube/kinds.ts';
import { AppError } from '../errors.ts';
import { clusterWorkloadKinds } from './cluster-kinds.ts';
import { admissionPath } from './admission-webhook.ts';
import { connectedLabel } from './connected-namespaces.ts';

export const webhookName = 'images.imagestream.io';

export type WebhookTarget = { readonly url: string } | { readonly service: { readonly namespace: string; readonly name: string; readonly port: number } };

export interface WebhookConfigurationOptions {
  readonly target: WebhookTarget;
  readonly key: string;
  /** PEM certificates the cluster trusts for this server. */
  readonly caBundlePem: string;
  readonly failurePolicy: 'Ignore' | 'Fail';
}

/** `NS/NAME[:PORT]` of a Service in front of ims serve. */
export function parseServiceTarget(text: string): WebhookTarget {
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)(?::(\d{1,5}))?$/.exec(text);
  if (!match || Number(match[5] ?? 443) > 65535 || Number(match[5] ?? 443) < 1)
    throw new AppError('BadRequest', `the service must be NAMESPACE/NAME or NAMESPACE/NAME:PORT, not "${text.slice(0, 100)}"`);
  return { service: { namespace: match[1], name: match[3], port: Number(match[5] ?? 443) } };
}

export function parseUrlTarget(text: string): WebhookTarget {
  if (!URL.canParse(text) || new URL(text).protocol !== 'https:' || new URL(text).pathname !== '/' || new URL(text).search)
    throw new AppError('BadRequest', `the URL must be https://HOST[:PORT] of this server, with no path, not "${text.slice(0, 100)}"`);
  return { url: text.replace(/\/$/, '') };
}

export function webhookConfiguration(options: WebhookConfigurationOptions): Record<string, unknown> {
  const path = `/admission/${options.key}/${admissionPath}`;
  const clientConfig = 'url' in options.target ? { url: `${options.target.url}${path}` } : { service: { ...options.target.service, path } };
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'imagestream', labels: { 'app.kubernetes.io/name': 'imagestream' } },
    webhooks: [
      {
        name: webhookName,
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        failurePolicy: options.failurePolicy,
        timeoutSeconds: 5,
        // Workloads a trigger rewrote are reviewed again, so a later webhook's change keeps its images resolved.
        reinvocationPolicy: 'IfNeeded',
        clientConfig: { ...clientConfig, caBundle: Buffer.from(options.caBundlePem).toString('base64') },
        // Connected namespaces only (their short names resolve in the project of their name), never the cluster's own.
        namespaceSelector: {
          matchLabels: { [connectedLabel]: 'true' },
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }],
        },
        rules: rulesOf(clusterWorkloadKinds),
      },
    ],
  };
}

function rulesOf(kinds: readonly KindIdentity[]): Record<string, unknown>[] {
  const byGroup = new Map<string, KindIdentity[]>();
  for (const kind of kinds) byGroup.set(kind.group, [...(byGroup.get(kind.group) ?? []), kind]);
  return [...byGroup].map(([group, members]) => ({
    apiGroups: [group],
    apiVersions: [members[0].version],
    operations: ['CREATE', 'UPDATE'],
    resources: members.map((k) => k.resource),
    scope: 'Namespaced',
  }));
}
