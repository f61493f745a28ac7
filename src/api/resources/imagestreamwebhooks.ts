// image.openshift.io/v1 imagestreamwebhooks (beyond OpenShift): receivers of registries' push
// notifications. The object names the sender's format and the Secret holding its secret, never the
// secret itself, so whoever may view the project may read it.
import type { FieldCause } from '../../errors.ts';
import type { KubeObject } from '../../kube/object.ts';
import type { ResourceDefinition } from '../resource-definition.ts';
import type { ImageStreamWebhook } from '../../kube/kinds/image.ts';
import { allVerbs, identityOf } from '../resource-definition.ts';
import { kinds } from '../../kube/kinds.ts';
import { isPlainObject } from '../../kube/object.ts';
import { dns1123SubdomainProblems } from '../../kube/names.ts';
import { webhookTypes } from '../../kube/kinds/image.ts';
import { struct } from '../field-schema.ts';
import { localObjectReference } from '../schemas/core-types.ts';

/** A registry host with an optional port, as pull specs name it: nothing that could carry a path or credentials. */
const registryHost = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::[0-9]{1,5})?$|^\[[0-9a-f:.]+\](?::[0-9]{1,5})?$/;

export const imagestreamwebhooks: ResourceDefinition<ImageStreamWebhook> = {
  ...identityOf(kinds.imageStreamWebhooks),
  verbs: allVerbs,
  // The name is a segment of the receiver's URL.
  nameRule: 'dns1123-label',
  fields: ['spec'],
  schema: { spec: struct('ImageStreamWebhookSpec', { type: 'string', secretRef: localObjectReference, registry: 'string' }) },
  openApi: {
    spec: {
      type: 'object',
      description: "A receiver of a registry's push notifications: which format it reads, and where its secret is.",
      properties: {
        type: { type: 'string', description: `The sender: ${webhookTypes.join(', ')}.` },
        secretRef: {
          type: 'object',
          description: "The Secret of this project holding the receiver's secret under the key WebHookSecretKey.",
          properties: { name: { type: 'string', description: 'The name of the Secret.' } },
        },
        registry: {
          type: 'string',
          description: 'The registry host (and port) the sender speaks for, as the streams name it in their sources, when the payload does not say.',
        },
      },
    },
  },
  validate: validateWebhook,
  table: {
    columns: [
      { name: 'Type', type: 'string', description: 'The sender whose payloads the receiver reads.', priority: 0 },
      { name: 'Secret', type: 'string', description: 'The Secret holding its secret.', priority: 0 },
      { name: 'Registry', type: 'string', description: 'The registry the sender speaks for, when set.', priority: 1 },
    ],
    cells: (object) => [object.spec?.type ?? '', object.spec?.secretRef?.name ?? '', object.spec?.registry ?? ''],
  },
};

function validateWebhook(object: KubeObject): FieldCause[] {
  const spec = object.spec;
  if (!isPlainObject(spec)) return [{ reason: 'FieldValueRequired', field: 'spec', message: 'a receiver needs spec.type and spec.secretRef' }];
  const causes: FieldCause[] = [];
  if (typeof spec.type !== 'string' || !(webhookTypes as readonly string[]).includes(spec.type))
    causes.push({ reason: 'FieldValueNotSupported', field: 'spec.type', message: `supported values: ${webhookTypes.map((t) => `"${t}"`).join(', ')}` });
  const secretName = isPlainObject(spec.secretRef) ? spec.secretRef.name : undefined;
  if (typeof secretName !== 'string' || secretName === '')
    causes.push({ reason: 'FieldValueRequired', field: 'spec.secretRef.name', message: "the Secret holding the receiver's secret" });
  else for (const problem of dns1123SubdomainProblems(secretName)) causes.push({ reason: 'FieldValueInvalid', field: 'spec.secretRef.name', message: problem });
  if (spec.registry !== undefined && (typeof spec.registry !== 'string' || spec.registry.length > 255 || !registryHost.test(spec.registry)))
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'spec.registry',
      message: 'must be a registry host with an optional port, like quay.io or registry.example.com:5000',
    });
  return causes;
}
