// core/v1 secrets. `stringData` is folded into `data`; the registry credential types must carry
// well-formed docker config content, so the importer can trust them later.
import type { FieldCause } from '../../errors.ts';
import type { KubeObject } from '../../kube/object.ts';
import type { ResourceDefinition } from '../resource-definition.ts';
import type { Secret } from '../../kube/kinds/core.ts';
import { allVerbs, identityOf } from '../resource-definition.ts';
import { jsonSyntaxProblem } from '../../lib/json-syntax-error.ts';
import { forgetDeletedSecret } from '../../streams/import-bookkeeping.ts';
import { kinds } from '../../kube/kinds.ts';
import { isPlainObject } from '../../kube/object.ts';
import { mapOf } from '../field-schema.ts';

const requiredKeys: Record<string, string[]> = {
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/service-account-token': [],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

const dataKey = /^[-._a-zA-Z0-9]+$/;
/** What Kubernetes allows all of a Secret's decoded data to take (MaxSecretSize). */
const maxSecretBytes = 1024 * 1024;

export const secrets: ResourceDefinition<Secret> = {
  ...identityOf(kinds.secrets),
  verbs: allVerbs,
  nameRule: 'dns1123-subdomain',
  fields: ['data', 'stringData', 'type', 'immutable'],
  schema: { data: mapOf('bytes'), stringData: mapOf('string'), type: 'string', immutable: 'bool' },
  defaults(object) {
    object.type ??= 'Opaque';
    if (isPlainObject(object.stringData)) {
      const data = isPlainObject(object.data) ? object.data : {};
      for (const [key, value] of Object.entries(object.stringData)) data[key] = Buffer.from(String(value), 'utf8').toString('base64');
      object.data = data;
    }
    delete object.stringData;
  },
  validate: (object, old) => secretCauses(object, old),
  // Streams stop naming a deleted secret among those their imports used (imagestream.io/import-secrets).
  // Before the delete, so no moment shows a deleted secret there; a delete that then fails has it
  // named again by the next import that uses it.
  beforeDelete: (object, context) => forgetDeletedSecret(context.store, object.metadata!.namespace!, object.metadata!.name!),
  table: {
    columns: [
      { name: 'Type', type: 'string', description: 'The type of the secret.', priority: 0 },
      { name: 'Data', type: 'integer', description: 'The number of entries in the data.', priority: 0 },
    ],
    cells: (object) => [object.type ?? 'Opaque', Object.keys(isPlainObject(object.data) ? object.data : {}).length],
  },
};

function secretCauses(object: KubeObject, old: KubeObject | undefined): FieldCause[] {
  const causes: FieldCause[] = [];
  const type = String(object.type);
  if (old && old.type !== object.type) causes.push({ reason: 'FieldValueInvalid', field: 'type', message: 'field is immutable' });
  if (old && old.immutable === true && JSON.stringify(old.data) !== JSON.stringify(object.data))
    causes.push({ reason: 'FieldValueForbidden', field: 'data', message: 'field is immutable when `immutable` is set' });
  if (object.data !== undefined && !isPlainObject(object.data)) return [{ reason: 'FieldValueInvalid', field: 'data', message: 'must be a map' }];
  const data = (object.data ?? {}) as Record<string, unknown>;
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    if (!dataKey.test(key))
      causes.push({
        reason: 'FieldValueInvalid',
        field: `data[${key}]`,
        message: "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
      });
    // Decoding checked the base64 (field-types.ts); this is for the server's own writes.
    if (typeof value !== 'string') causes.push({ reason: 'FieldValueInvalid', field: `data[${key}]`, message: 'must be base64-encoded' });
    else total += Buffer.from(value, 'base64').length;
  }
  if (total > maxSecretBytes) causes.push({ reason: 'FieldValueTooLong', field: 'data', message: `may not be more than ${maxSecretBytes} bytes` });
  for (const key of requiredKeys[type] ?? []) {
    if (data[key] === undefined) causes.push({ reason: 'FieldValueRequired', field: `data[${key}]`, message: '' });
  }
  const decode = (key: string) => Buffer.from(String(data[key] ?? ''), 'base64').toString('utf8');
  if (type === 'kubernetes.io/dockerconfigjson' && data['.dockerconfigjson'] !== undefined) {
    const problem = dockerConfigProblem(decode('.dockerconfigjson'));
    if (problem) causes.push({ reason: 'FieldValueInvalid', field: 'data[.dockerconfigjson]', message: problem });
  }
  if (type === 'kubernetes.io/dockercfg' && data['.dockercfg'] !== undefined) {
    const problem = dockerConfigProblem(decode('.dockercfg'));
    if (problem) causes.push({ reason: 'FieldValueInvalid', field: 'data[.dockercfg]', message: problem });
  }
  if (type === 'kubernetes.io/basic-auth' && data.username === undefined && data.password === undefined) {
    causes.push({ reason: 'FieldValueRequired', field: 'data[username]', message: 'username or password is required for basic-auth secrets' });
  }
  return causes;
}

/**
 * Why `text` is not a docker config, or undefined. As Kubernetes: a JSON object is enough. Entries
 * an import cannot use (an `auth` that is not base64 of user:password, say) are named in the
 * import's condition instead, where they matter.
 */
/** What Kubernetes shows in place of a Secret's value in an error: never a byte of the data itself. */
const redacted = '"<secret contents redacted>"';

function dockerConfigProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `${redacted}: invalid JSON: ${jsonSyntaxProblem(error)}`;
  }
  return isPlainObject(parsed) ? undefined : `${redacted}: must be a JSON object`;
}
