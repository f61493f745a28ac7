// Command-line flags the way oc and kubectl take them: `--flag value`, `--flag=value`, `-n value`,
// booleans as `--flag` or `--flag=false`, repeatable flags, `--` to end flags, and deprecated flags
// that are still taken with a warning, as cobra's MarkDeprecated.
import { CliError } from './cli-error.ts';

export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  readonly type: 'string' | 'bool' | 'strings';
  readonly help: string;
  readonly placeholder?: string;
  readonly default?: string;
  /** Taken and left out of help, with `Flag --NAME has been deprecated, <this>` on use. */
  readonly deprecated?: string;
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly strings: Map<string, string>;
  readonly lists: Map<string, string[]>;
  readonly bools: Map<string, boolean>;
  /** What to tell the user about the flags given, e.g. that one is deprecated. */
  readonly warnings: string[];
}

export function parseArgs(args: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const parsed: ParsedArgs = { positionals: [], strings: new Map(), lists: new Map(), bools: new Map(), warnings: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      parsed.positionals.push(...args.slice(i + 1));
      break;
    }
    let spec: FlagSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      spec = byName.get(name);
      if (!spec) throw new CliError(`unknown flag: --${name}`);
    } else if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      const short = arg[1];
      spec = byShort.get(short);
      if (!spec) throw new CliError(`unknown shorthand flag: '${short}' in ${arg}`);
      if (arg.length > 2) inline = arg[2] === '=' ? arg.slice(3) : arg.slice(2);
    } else {
      parsed.positionals.push(arg);
      continue;
    }
    if (spec.deprecated && !parsed.warnings.some((w) => w.startsWith(`Flag --${spec.name} `)))
      parsed.warnings.push(`Flag --${spec.name} has been deprecated, ${spec.deprecated}`);
    if (spec.type === 'bool') {
      if (inline === undefined) parsed.bools.set(spec.name, true);
      else if (inline === 'true' || inline === 'false') parsed.bools.set(spec.name, inline === 'true');
      else throw new CliError(`invalid argument "${inline}" for "--${spec.name}" flag: expected true or false`);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) throw new CliError(`flag needs an argument: --${spec.name}`);
    if (spec.type === 'strings') parsed.lists.set(spec.name, [...(parsed.lists.get(spec.name) ?? []), ...value.split(',').filter((v) => v !== '')]);
    else parsed.strings.set(spec.name, value);
  }
  for (const spec of specs)
    if (spec.default !== undefined && spec.type === 'string' && !parsed.strings.has(spec.name)) parsed.strings.set(spec.name, spec.default);
  return parsed;
}

export function formatFlags(specs: readonly FlagSpec[]): string {
  const rows = specs
    .filter((s) => !s.deprecated)
    .map((s) => {
      const names = `${s.short ? `-${s.short}, ` : '    '}--${s.name}${s.type === 'bool' ? '' : ` ${s.placeholder ?? (s.type === 'strings' ? 'VALUE,...' : 'VALUE')}`}`;
      return [names, s.help + (s.default ? ` (default ${s.default})` : '')] as const;
    });
  const width = Math.max(...rows.map(([n]) => n.length), 0) + 2;
  return rows.map(([n, h]) => `  ${n.padEnd(width)}${h}`).join('\n');
}
