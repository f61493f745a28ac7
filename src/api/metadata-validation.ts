// Validation of object metadata shared by every kind: names, labels, annotations.
import type { FieldCause } from '../errors.ts';
import type { ObjectMeta } from '../kube/object.ts';
import type { ResourceDefinition } from './resource-definition.ts';
import { isPlainObject } from '../kube/object.ts';
import { nameProblems } from '../kube/names.ts';
import { labelKeyProblems, labelValueProblems } from '../kube/labels.ts';

const maxAnnotationBytes = 256 * 1024;

export function metadataCauses(definition: Pick<ResourceDefinition, 'nameRule'>, meta: ObjectMeta, oldMeta: ObjectMeta | undefined): FieldCause[] {
  const causes: FieldCause[] = [];
  if (typeof meta.name !== 'string' || meta.name === '') {
    causes.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'name or generateName is required' });
  } else {
    for (const problem of nameProblems(definition.nameRule, meta.name))
      causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `${JSON.stringify(meta.name)}: ${problem}` });
  }
  for (const [field, value] of [
    ['labels', meta.labels],
    ['annotations', meta.annotations],
  ] as const) {
    if (value === undefined || value === null) continue;
    if (!isPlainObject(value)) {
      causes.push({ reason: 'FieldValueInvalid', field: `metadata.${field}`, message: 'must be a map of strings' });
      continue;
    }
    let bytes = 0;
    for (const [key, entry] of Object.entries(value)) {
      for (const problem of labelKeyProblems(key))
        causes.push({ reason: 'FieldValueInvalid', field: `metadata.${field}`, message: `${JSON.stringify(key)}: ${problem}` });
      if (typeof entry !== 'string') {
        causes.push({ reason: 'FieldValueInvalid', field: `metadata.${field}.${key}`, message: 'must be a string' });
        continue;
      }
      if (field === 'labels')
        for (const problem of labelValueProblems(entry))
          causes.push({ reason: 'FieldValueInvalid', field: `metadata.labels`, message: `${JSON.stringify(entry)}: ${problem}` });
      bytes += key.length + entry.length;
    }
    if (field === 'annotations' && bytes > maxAnnotationBytes)
      causes.push({ reason: 'FieldValueTooLong', field: 'metadata.annotations', message: `may not have more than ${maxAnnotationBytes} bytes` });
  }
  if (oldMeta && oldMeta.name !== meta.name) causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: 'field is immutable' });
  return causes;
}
