// The human forms oc prints in describe: decimal sizes ("45.2MB") and label/value blocks aligned
// the way Go's tabwriter aligns them. Relative times in words are kube/human-duration.ts's.

const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

export function humanSize(bytes: number): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < units.length - 1) {
    size /= 1000;
    unit += 1;
  }
  return `${Number(size.toPrecision(4))}${units[unit]}`;
}

/**
 * `Label:<tabs>value` lines whose values start at the same tab stop, as Go's tabwriter with
 * padding 1 and tab padding lays them out. Multi-line values continue on lines of their own.
 */
export function labelled(rows: readonly (readonly [string, string])[]): string {
  const width = Math.ceil((Math.max(...rows.map(([label]) => label.length)) + 1) / 8) * 8;
  const lines: string[] = [];
  for (const [label, value] of rows) {
    const tabs = Math.ceil((width - label.length) / 8);
    const [first, ...rest] = (value === '' ? '<none>' : value).split('\n');
    lines.push(`${label}${'\t'.repeat(Math.max(1, tabs))}${first}`);
    for (const line of rest) lines.push(`${'\t'.repeat(width / 8)}${line}`);
  }
  return lines.join('\n') + '\n';
}
