// `ims label` and `ims annotate`: set (`key=value`) or remove (`key-`) labels or annotations of
// objects named or selected, with kubectl's rules: a key that already has another value changes
// only with --overwrite, and the change is sent as a merge patch of just those keys.
import type { Command, CommandContext } from '../command.ts';
import type { Target } from './get.ts';
import { outputFlag } from '../command.ts';
import { CliError } from '../cli-error.ts';
import { formatWritten, parseObjectFormat } from '../output/print-objects.ts';
import { apiVersionOf } from '../../kube/kinds.ts';
import { parseTargets } from './get.ts';

type Field = 'labels' | 'annotations';

export interface MetadataChanges {
  readonly set: ReadonlyMap<string, string>;
  readonly remove: readonly string[];
}

/** Splits `app=web tier- deploy/web` into the changes and the words that name objects. */
export function splitChanges(words: readonly string[], field: Field): { changes: MetadataChanges; objects: string[] } {
  const set = new Map<string, string>();
  const remove: string[] = [];
  const objects: string[] = [];
  const noun = field === 'labels' ? 'label' : 'annotation';
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq >= 0) {
      const key = word.slice(0, eq);
      if (!key) throw new CliError(`invalid ${noun} spec: ${word}`);
      if (set.has(key)) throw new CliError(`${noun} ${key} is set more than once`);
      set.set(key, word.slice(eq + 1));
    } else if (word.endsWith('-') && word.length > 1 && !word.includes('/')) {
      remove.push(word.slice(0, -1));
    } else {
      objects.push(word);
    }
  }
  if (remove.some((key) => set.has(key)))
    throw new CliError(`can not both modify and remove ${noun === 'label' ? 'a label' : 'an annotation'} in the same command`);
  return { changes: { set, remove }, objects };
}

/** The keys to send (null removes one), or a refusal when a key would change without --overwrite. */
export function changesFor(
  current: Readonly<Record<string, string>>,
  changes: MetadataChanges,
  overwrite: boolean,
  field: Field,
): Record<string, string | null> {
  const patch: Record<string, string | null> = {};
  const clashes: string[] = [];
  for (const [key, value] of changes.set) {
    if (Object.hasOwn(current, key) && current[key] === value) continue;
    if (Object.hasOwn(current, key) && !overwrite) clashes.push(`'${key}' already has a value (${current[key]})`);
    patch[key] = value;
  }
  if (clashes.length && field === 'labels') throw new CliError(`${clashes.join(', ')}, and --overwrite is false`);
  if (clashes.length) throw new CliError(`--overwrite is false but found the following declared annotation(s): ${clashes.join(', ')}`);
  for (const key of changes.remove) if (Object.hasOwn(current, key)) patch[key] = null;
  return patch;
}

async function selectedTargets(context: CommandContext, words: string[]): Promise<Target[]> {
  const selector = context.args.strings.get('selector');
  const all = context.args.bools.get('all') ?? false;
  if (!selector && !all) return parseTargets(context, words);
  if (words.length !== 1 || words[0].includes('/')) throw new CliError('with --selector or --all, name exactly one KIND and no objects');
  const [{ info }] = await parseTargets(context, words);
  const list = await context
    .client()
    .resource(info)
    .list(info.namespaced ? context.namespace : undefined, { labelSelector: selector });
  return list.items.map((item) => ({ info, name: item.metadata.name }));
}

async function changeMetadata(context: CommandContext, field: Field): Promise<void> {
  const { changes, objects } = splitChanges(context.args.positionals, field);
  const listing = context.args.bools.get('list') ?? false;
  const noun = field === 'labels' ? 'label' : 'annotation';
  if (!listing && changes.set.size === 0 && changes.remove.length === 0) throw new CliError(`at least one ${noun} update is required`);
  if (objects.length === 0) throw new CliError(`one or more resources must be specified as <resource> <name> or <resource>/<name>`);
  const targets = await selectedTargets(context, objects);
  if (targets.length === 0) return context.err(`No resources found in ${context.namespace} namespace.\n`);
  if (targets.some((t) => !t.name)) throw new CliError('resource(s) were provided, but no name was specified');
  const format = parseObjectFormat(context.args.strings.get('output'));
  const overwrite = context.args.bools.get('overwrite') ?? false;
  const resourceVersion = context.args.strings.get('resource-version');
  const client = context.client();
  for (const { info, name } of targets) {
    const namespace = info.namespaced ? context.namespace : undefined;
    const resource = client.resource(info);
    const current = await resource.get(namespace, name!);
    const values = (current.metadata[field] ?? {}) as Record<string, string>;
    if (listing) {
      for (const key of Object.keys(values).sort()) context.out(`${key}=${values[key]}\n`);
      continue;
    }
    for (const key of changes.remove) if (!Object.hasOwn(values, key)) context.out(`${noun} "${key}" not found.\n`);
    const patch = changesFor(values, changes, overwrite, field);
    const typed = (object: Record<string, unknown>) => ({ apiVersion: apiVersionOf(info), kind: info.kind, ...object });
    if (Object.keys(patch).length === 0 && resourceVersion === undefined) {
      context.out(formatWritten(info, typed(current), field === 'labels' ? 'not labeled' : 'annotated', format));
      continue;
    }
    const patched = await resource.patch(namespace, name!, { metadata: { [field]: patch, ...(resourceVersion ? { resourceVersion } : {}) } });
    context.out(formatWritten(info, typed(patched), field === 'labels' ? 'labeled' : 'annotated', format));
  }
}

const sharedFlags = (noun: string) => [
  { name: 'overwrite', type: 'bool' as const, help: `change ${noun}s that already have a value` },
  { name: 'selector', short: 'l', type: 'string' as const, help: 'the objects of KIND these labels select, e.g. app=web', placeholder: 'SELECTOR' },
  { name: 'all', type: 'bool' as const, help: 'every object of KIND in the project' },
  { name: 'list', type: 'bool' as const, help: `print the ${noun}s instead of changing them` },
  { name: 'resource-version', type: 'string' as const, help: 'change only if the object is still at this version', placeholder: 'VERSION' },
  outputFlag,
];

export const label: Command = {
  path: 'label',
  summary: 'Set or remove labels of objects',
  usage: 'ims label (KIND NAME... | KIND/NAME... | KIND -l SELECTOR | KIND --all) KEY=VALUE... KEY-... [flags]',
  examples: `  # Label an image stream
  ims label is/ruby team=web

  # Change a label that is already set
  ims label is/ruby team=api --overwrite

  # Remove a label from every stream that has it
  ims label is -l team team-`,
  flags: sharedFlags('label'),
  run: (context) => changeMetadata(context, 'labels'),
};

export const annotate: Command = {
  path: 'annotate',
  summary: 'Set or remove annotations of objects',
  usage: 'ims annotate (KIND NAME... | KIND/NAME... | KIND -l SELECTOR | KIND --all) KEY=VALUE... KEY-... [flags]',
  examples: `  # Say what a stream is for
  ims annotate is/ruby description='Ruby images for the web team'

  # Mark a pull secret as not for imports
  ims annotate secret/old-creds openshift.io/image.excludeSecret=true

  # Remove an annotation
  ims annotate is/ruby description-`,
  flags: sharedFlags('annotation'),
  run: (context) => changeMetadata(context, 'annotations'),
};
