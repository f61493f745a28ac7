// meta.k8s.io/v1 Table responses, which kubectl and `ims get` print as columns.
import type { KubeObject } from '../kube/object.ts';
import type { ResourceDefinition, TableColumn } from './resource-definition.ts';
import { ageOf } from '../kube/human-duration.ts';

const nameColumn: TableColumn = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 };
const ageColumn: TableColumn = { name: 'Age', type: 'string', description: 'Time since the object was created.', priority: 0 };

export function tableColumns(definition: ResourceDefinition): TableColumn[] {
  const table = definition.table;
  return [nameColumn, ...(table?.columns ?? []), ...(table?.noAge ? [] : [ageColumn])];
}

export function tableRow(definition: ResourceDefinition, object: KubeObject, now: Date): Record<string, unknown> {
  const table = definition.table;
  const cells = [
    object.metadata?.name ?? '',
    ...(table ? table.cells(object, now) : []),
    ...(table?.noAge ? [] : [ageOf(object.metadata?.creationTimestamp, now)]),
  ];
  return {
    cells,
    object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata ?? {} },
  };
}

export function toTable(
  definition: ResourceDefinition,
  objects: readonly KubeObject[],
  listMeta: Record<string, unknown>,
  now: Date,
  withColumns = true,
): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: withColumns
      ? tableColumns(definition).map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description, priority: c.priority }))
      : [],
    rows: objects.map((o) => tableRow(definition, o, now)),
  };
}
