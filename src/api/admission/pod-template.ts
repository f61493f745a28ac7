// Shape checks for pod specs and pod templates, so that image lookup and triggers can rely on
// `containers[].name` and `containers[].image` being there.
import type { FieldCause } from '../../errors.ts';
import { isPlainObject } from '../../kube/object.ts';
import { dns1123LabelProblems, dns1123SubdomainProblems } from '../../kube/names.ts';

const pullPolicies = ['Always', 'IfNotPresent', 'Never'];

export function podSpecCauses(spec: unknown, path: string): FieldCause[] {
  if (!isPlainObject(spec)) return [{ reason: 'FieldValueRequired', field: path, message: '' }];
  const causes: FieldCause[] = [];
  const names = new Set<string>();
  const account = spec.serviceAccountName;
  if (typeof account === 'string' && account !== '')
    for (const problem of dns1123SubdomainProblems(account))
      causes.push({ reason: 'FieldValueInvalid', field: `${path}.serviceAccountName`, message: `${JSON.stringify(account.slice(0, 300))}: ${problem}` });
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) causes.push({ reason: 'FieldValueRequired', field: `${path}.containers`, message: '' });
  for (const listName of ['initContainers', 'containers'] as const) {
    const list = spec[listName];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      causes.push({ reason: 'FieldValueInvalid', field: `${path}.${listName}`, message: 'must be a list' });
      continue;
    }
    list.forEach((container: unknown, index: number) => {
      const field = `${path}.${listName}[${index}]`;
      if (!isPlainObject(container)) {
        causes.push({ reason: 'FieldValueInvalid', field, message: 'must be an object' });
        return;
      }
      const name = container.name;
      if (typeof name !== 'string' || name === '') causes.push({ reason: 'FieldValueRequired', field: `${field}.name`, message: '' });
      else {
        for (const problem of dns1123LabelProblems(name))
          causes.push({ reason: 'FieldValueInvalid', field: `${field}.name`, message: `${JSON.stringify(name)}: ${problem}` });
        if (names.has(name)) causes.push({ reason: 'FieldValueDuplicate', field: `${field}.name`, message: JSON.stringify(name) });
        names.add(name);
      }
      if (typeof container.image !== 'string' || container.image.trim() === '')
        causes.push({ reason: 'FieldValueRequired', field: `${field}.image`, message: '' });
      const policy = container.imagePullPolicy;
      if (policy !== undefined && !pullPolicies.includes(policy as string)) {
        causes.push({
          reason: 'FieldValueNotSupported',
          field: `${field}.imagePullPolicy`,
          message: `${JSON.stringify(policy)}: supported values: "Always", "IfNotPresent", "Never"`,
        });
      }
    });
  }
  return causes;
}

/** Checks a `spec.template` (or `spec.jobTemplate.spec.template`) at `path`. */
export function podTemplateCauses(template: unknown, path: string): FieldCause[] {
  if (!isPlainObject(template)) return [{ reason: 'FieldValueRequired', field: path, message: '' }];
  return podSpecCauses(template.spec, `${path}.spec`);
}
