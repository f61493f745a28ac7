// Prints a meta.k8s.io Table as kubectl does: upper-case headers, columns three spaces apart.

export interface Table {
  columnDefinitions: { name: string; priority: number }[];
  rows: { cells: unknown[]; object?: { metadata?: { name?: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> } } }[];
  metadata?: { resourceVersion?: string };
}

export interface TablePrintOptions {
  readonly wide: boolean;
  /** Prefix names with `kind/` (several kinds in one `get`). */
  readonly namePrefix?: string;
  /** Add a NAMESPACE column first (`-A`). */
  readonly withNamespace?: boolean;
  readonly noHeaders?: boolean;
  /** Add a LABELS column last (`--show-labels`), from each row's object metadata. */
  readonly showLabels?: boolean;
}

/** `app=web,tier=db` (sorted by key), or <none>: how kubectl prints labels. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>';
}

export function formatTable(tables: readonly Table[], options: TablePrintOptions): string {
  const first = tables[0];
  if (!first) return '';
  const visible = first.columnDefinitions.map((c, i) => ({ c, i })).filter(({ c }) => options.wide || c.priority === 0);
  const header = [...(options.withNamespace ? ['NAMESPACE'] : []), ...visible.map(({ c }) => c.name.toUpperCase()), ...(options.showLabels ? ['LABELS'] : [])];
  const rows: string[][] = [];
  for (const table of tables) {
    for (const row of table.rows) {
      const cells = visible.map(({ i }) => cellText(row.cells[i]));
      if (options.namePrefix && cells.length > 0) cells[0] = `${options.namePrefix}/${cells[0]}`;
      rows.push([
        ...(options.withNamespace ? [row.object?.metadata?.namespace ?? ''] : []),
        ...cells,
        ...(options.showLabels ? [formatLabels(row.object?.metadata?.labels)] : []),
      ]);
    }
  }
  const all = options.noHeaders ? rows : [header, ...rows];
  const widths = header.map((_, col) => Math.max(...all.map((r) => (r[col] ?? '').length)));
  return (
    all
      .map((r) =>
        r
          .map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col] + 3)))
          .join('')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '<none>';
  if (typeof cell === 'string') return cell;
  return String(cell);
}
