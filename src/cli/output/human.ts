// The human forms oc prints in describe: docker go-units durations ("5 minutes", "About an hour")
// and decimal sizes ("45.2MB"), and label/value blocks aligned the way Go's tabwriter aligns them.

export function humanDuration(milliseconds: number): string {
  const seconds = Math.floor(milliseconds / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(milliseconds / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(milliseconds / 3_600_000 / 24 / 365)} years`;
}

export function ago(timestamp: string | undefined, now: Date): string {
  return timestamp ? `${humanDuration(now.getTime() - Date.parse(timestamp))} ago` : '<unknown>';
}

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
