// core/v1 serviceaccounts and their `token` subresource (TokenRequest), which `ims create token`
// and `kubectl create token` use.
import type { ResourceDefinition, StorageDeps } from '../resource-definition.ts';
import type { RestStorage } from '../rest-storage.ts';
import type { ServiceAccount } from '../../kube/kinds/core.ts';
import { allVerbs, identityOf } from '../resource-definition.ts';
import { kinds } from '../../kube/kinds.ts';
import { AppError, notFound } from '../../errors.ts';
import { isPlainObject, objectKey, formatTimestamp } from '../../kube/object.ts';
import { localObjectReference, objectReference } from '../schemas/core-types.ts';
import { struct } from '../field-schema.ts';
import { checkFieldTypes } from '../field-types.ts';

/** What a TokenRequest body may hold, typed: the subresource's body is not a ServiceAccount. */
const tokenRequest = {
  kind: 'TokenRequest',
  version: 'v1',
  schema: { spec: struct('TokenRequestSpec', { audiences: ['string'], expirationSeconds: 'int64', boundObjectRef: true }) },
} as const;

const defaultTokenSeconds = 3600;
const maxTokenSeconds = 48 * 3600;

export const serviceaccounts: ResourceDefinition<ServiceAccount> = {
  ...identityOf(kinds.serviceAccounts),
  verbs: allVerbs,
  nameRule: 'dns1123-subdomain',
  fields: ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
  schema: { secrets: [objectReference], imagePullSecrets: [localObjectReference], automountServiceAccountToken: 'bool' },
  validate(object) {
    const causes = [];
    for (const field of ['secrets', 'imagePullSecrets'] as const) {
      const list = object[field];
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) {
        causes.push({ reason: 'FieldValueInvalid' as const, field, message: 'must be a list of references' });
        continue;
      }
      list.forEach((entry: unknown, i: number) => {
        if (!isPlainObject(entry) || typeof entry.name !== 'string' || entry.name === '')
          causes.push({ reason: 'FieldValueRequired' as const, field: `${field}[${i}].name`, message: '' });
      });
    }
    return causes;
  },
  table: {
    columns: [{ name: 'Secrets', type: 'integer', description: 'The number of secrets linked.', priority: 0 }],
    cells: (object) => [Array.isArray(object.secrets) ? object.secrets.length : 0],
  },
  subresources: {
    token: { kind: kinds.serviceAccounts.subresources.token, verbs: ['create'], storage: tokenRequests },
  },
};

function tokenRequests(deps: StorageDeps): RestStorage {
  return {
    async create(context, body) {
      checkFieldTypes(tokenRequest, body);
      const name = body.metadata?.name ?? '';
      const namespace = context.namespace!;
      await deps.store.get(objectKey('', 'serviceaccounts', namespace, name)).catch(() => {
        throw notFound('serviceaccounts', name);
      });
      const spec = isPlainObject(body.spec) ? body.spec : {};
      const seconds = spec.expirationSeconds === undefined ? defaultTokenSeconds : Number(spec.expirationSeconds);
      if (!Number.isInteger(seconds) || seconds < 600 || seconds > maxTokenSeconds) {
        throw new AppError('BadRequest', `spec.expirationSeconds must be between 600 and ${maxTokenSeconds} seconds`);
      }
      if (!deps.services.issueServiceAccountToken) throw new AppError('Unavailable', 'token issuing is not configured');
      const issued = await deps.services.issueServiceAccountToken(namespace, name, seconds);
      return {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        metadata: { name, namespace, creationTimestamp: formatTimestamp(deps.clock.now()) },
        spec: { audiences: [], expirationSeconds: seconds },
        status: { token: issued.token, expirationTimestamp: formatTimestamp(issued.expiresAt) },
      };
    },
  };
}
