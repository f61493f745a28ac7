// `--dry-run=client`, as kubectl's create commands take it: print what would be sent, send nothing.
import type { CommandContext } from '../command.ts';
import type { FlagSpec } from '../args.ts';
import { CliError } from '../cli-error.ts';

export const dryRunFlag: FlagSpec = {
  name: 'dry-run',
  type: 'string',
  help: 'client: only print the object that would be sent (with -o yaml)',
  placeholder: 'none|client',
};

export function isClientDryRun(context: CommandContext): boolean {
  const mode = context.args.strings.get('dry-run') ?? 'none';
  if (mode !== 'none' && mode !== 'client') throw new CliError(`Invalid dry-run value (${mode}). Must be "none" or "client".`);
  return mode === 'client';
}
