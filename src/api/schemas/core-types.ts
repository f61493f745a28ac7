// Field schemas (field-schema.ts) of the small Kubernetes types many kinds share: object metadata
// inside templates, label selectors and object references, as k8s.io/api declares them.
import { mapOf, struct } from '../field-schema.ts';

export const stringMap = mapOf('string');

/** ObjectMeta where it is nested (a pod template's); an object's own metadata is object-types.ts's. */
export const objectMeta = struct('ObjectMeta', {
  name: 'string',
  generateName: 'string',
  namespace: 'string',
  labels: stringMap,
  annotations: stringMap,
  finalizers: ['string'],
  '*': true,
});

export const labelSelector = struct('LabelSelector', {
  matchLabels: stringMap,
  matchExpressions: [struct('LabelSelectorRequirement', { key: 'string', operator: 'string', values: ['string'] })],
});

export const localObjectReference = struct('LocalObjectReference', { name: 'string' });

export const objectReference = struct('ObjectReference', {
  kind: 'string',
  namespace: 'string',
  name: 'string',
  uid: 'string',
  apiVersion: 'string',
  resourceVersion: 'string',
  fieldPath: 'string',
});
