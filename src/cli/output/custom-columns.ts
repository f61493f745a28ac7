// `-o custom-columns=NAME:.metadata.name,TAGS:.spec.tags[*].name`: a table whose columns are
// JSONPath expressions over each object, as kubectl prints it (several values joined by commas,
// none as <none>).
import { CliError } from '../cli-error.ts';
import { evaluate } from './jsonpath.ts';

export interface CustomColumn {
  readonly header: string;
  readonly path: string;
}

export function parseCustomColumns(spec: string): CustomColumn[] {
  if (spec.trim() === '') throw new CliError('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const colon = part.indexOf(':');
    if (colon <= 0 || colon === part.length - 1) throw new CliError(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return { header: part.slice(0, colon), path: bareJsonPath(part.slice(colon + 1)) };
  });
}

/** `{.a.b}`, `.a.b` and `a.b` all mean `.a.b`, as kubectl takes them. */
export function bareJsonPath(expression: string): string {
  let path = expression.trim();
  if (path.startsWith('{') && path.endsWith('}')) path = path.slice(1, -1).trim();
  return path.startsWith('.') || path.startsWith('[') ? path : `.${path}`;
}

function cellOf(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function formatCustomColumns(columns: readonly CustomColumn[], objects: readonly unknown[], noHeaders: boolean): string {
  const rows = objects.map((object) =>
    columns.map(({ path }) => {
      const values = evaluate(path, object).filter((v) => v !== undefined && v !== null);
      return values.length === 0 ? '<none>' : values.map(cellOf).join(',');
    }),
  );
  const all = noHeaders ? rows : [columns.map((c) => c.header), ...rows];
  const widths = columns.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all
    .map(
      (r) =>
        r
          .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] + 3)))
          .join('')
          .trimEnd() + '\n',
    )
    .join('');
}
