// Global flags anywhere on the line, as oc and kubectl take them: before the command too.
import { globalFlags } from './command.ts';

/**
 * Moves global flags given before the command (`ims -n demo get is`, `ims --server URL whoami`) to
 * after it, where every command reads them, as oc and kubectl take them anywhere on the line.
 */
export function hoistGlobalFlags(argv: readonly string[]): string[] {
  const leading: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const token = argv[i];
    const name = token.startsWith('--') ? token.slice(2).split('=')[0] : token.startsWith('-') && token.length === 2 ? token.slice(1) : undefined;
    const flag = name === undefined ? undefined : globalFlags.find((f) => (f.name === name || f.short === name) && f.name !== 'help');
    if (!flag) break;
    leading.push(token);
    // A string flag without `=value` takes the next word as its value.
    if (flag.type === 'string' && !token.includes('=') && i + 1 < argv.length) leading.push(argv[++i]);
  }
  return leading.length === 0 ? [...argv] : [...argv.slice(i), ...leading];
}
