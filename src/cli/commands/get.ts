// `ims get KIND[/NAME]...`: tables as the server renders them, or objects as JSON, YAML, names or
// JSONPath; with -w, changes as they happen (get-watch.ts).
import type { Command, CommandContext } from '../command.ts';
import type { ResourceInfo } from '../resource-resolver.ts';
import type { Table } from '../output/table-printer.ts';
import { outputFlag } from '../command.ts';
import { kindLabel } from '../resource-resolver.ts';
import { apiVersionOf } from '../../kube/kinds.ts';
import { formatTable } from '../output/table-printer.ts';
import { formatObjects, parseObjectFormat } from '../output/print-objects.ts';
import { formatCustomColumns, parseCustomColumns } from '../output/custom-columns.ts';
import { sortByJsonPath } from '../output/sort-by.ts';
import { CliError, failureLine } from '../cli-error.ts';
import { ServerError } from '../api-client.ts';

export interface Target {
  readonly info: ResourceInfo;
  readonly name?: string;
}

/** `deploy/web`, `secret a b`, `secret,deploy`: what the positional arguments name. */
export async function parseTargets(context: CommandContext, words: readonly string[]): Promise<Target[]> {
  if (words.length === 0)
    throw new CliError('You must specify the type of resource to get. Use "ims api-resources" for a complete list of supported resources.');
  const resolver = await context.resolver();
  if (words.some((w) => w.includes('/'))) {
    const targets: Target[] = [];
    for (const word of words) {
      const slash = word.indexOf('/');
      if (slash <= 0 || slash === word.length - 1) throw new CliError(`arguments in resource/name form must have a single resource and name: "${word}"`);
      targets.push({ info: await resolver.resolve(word.slice(0, slash)), name: word.slice(slash + 1) });
    }
    return targets;
  }
  const kinds: ResourceInfo[] = [];
  for (const kind of words[0].split(',').filter(Boolean)) kinds.push(await resolver.resolve(kind));
  const names = words.slice(1);
  if (names.length === 0) return kinds.map((info) => ({ info }));
  return kinds.flatMap((info) => names.map((name) => ({ info, name })));
}

export const get: Command = {
  path: 'get',
  summary: 'Show one or many objects',
  usage: 'ims get KIND[,KIND...] [NAME...] | KIND/NAME... [flags]',
  examples: `  # Secrets in the current project
  ims get secrets

  # One deployment as YAML
  ims get deploy/web -o yaml

  # Names of service accounts in every project
  ims get sa -A -o name

  # A field, with JSONPath
  ims get sa default -o jsonpath='{.imagePullSecrets[*].name}'

  # Columns of your own, newest stream last
  ims get is -o custom-columns=NAME:.metadata.name,TAGS:.spec.tags[*].name --sort-by=.metadata.creationTimestamp

  # Streams labelled team=web, with their labels
  ims get is -l team=web --show-labels

  # Image streams, then each change to them as it happens
  ims get is -w`,
  flags: [
    outputFlag,
    { name: 'all-namespaces', short: 'A', type: 'bool', help: 'list across all projects' },
    { name: 'selector', short: 'l', type: 'string', help: 'label selector, e.g. app=web,tier!=db', placeholder: 'SELECTOR' },
    { name: 'no-headers', type: 'bool', help: "don't print column headers" },
    { name: 'show-labels', type: 'bool', help: 'add a LABELS column' },
    { name: 'sort-by', type: 'string', help: 'order by the value of this JSONPath, e.g. .metadata.name', placeholder: 'JSONPATH' },
    { name: 'watch', short: 'w', type: 'bool', help: 'after listing, print each change as it happens' },
    { name: 'watch-only', type: 'bool', help: 'print changes as they happen, without listing first' },
    // oc took --export until it was removed; scripts from those days still pass it.
    { name: 'export', type: 'bool', help: 'ignored', deprecated: 'This flag is deprecated and will be removed in future.' },
  ],
  async run(context) {
    const targets = await parseTargets(context, context.args.positionals);
    const output = context.args.strings.get('output');
    const customColumns = output?.startsWith('custom-columns=') ? parseCustomColumns(output.slice('custom-columns='.length)) : undefined;
    const format = customColumns ? 'json' : parseObjectFormat(output);
    const sortBy = context.args.strings.get('sort-by');
    const all = context.args.bools.get('all-namespaces') ?? false;
    const query = { labelSelector: context.args.strings.get('selector') };
    const client = context.client();
    const namespaceOf = (info: ResourceInfo) => (info.namespaced && !all ? context.namespace : undefined);
    if (context.args.bools.get('watch') || context.args.bools.get('watch-only')) {
      if (new Set(targets.map((t) => t.info)).size > 1) throw new CliError('you may only specify a single resource type');
      if (targets.length > 1)
        throw new CliError(`watch is only supported on individual resources and resource collections, but ${targets.length} resources were found`);
      const [{ info, name }] = targets;
      const printing = {
        format,
        wide: output === 'wide',
        withNamespace: all && info.namespaced,
        noHeaders: Boolean(context.args.bools.get('no-headers')),
        showLabels: Boolean(context.args.bools.get('show-labels')),
        customColumns,
        watchOnly: Boolean(context.args.bools.get('watch-only')),
      };
      const { watchAndPrint } = await import('./get-watch.ts');
      await watchAndPrint(context, { info, name, namespace: namespaceOf(info), query }, printing);
      return;
    }
    // As kubectl: what was found is printed, and each object that was not is an error after it.
    const problems: ServerError[] = [];
    const found = async <R>(read: () => Promise<R>): Promise<R | undefined> => {
      try {
        return await read();
      } catch (error) {
        if (!(error instanceof ServerError) || error.status === 401) throw error;
        problems.push(error);
        return undefined;
      }
    };
    const reportProblems = () => {
      for (const problem of problems) context.err(`${failureLine(problem)}\n`);
      if (problems.length) throw Object.assign(problems[0], { reported: true });
    };
    if (format) {
      const objects: { info: ResourceInfo; object: Record<string, unknown> }[] = [];
      for (const target of targets) {
        const resource = client.resource(target.info);
        if (target.name) {
          const object = await found(() => resource.get(namespaceOf(target.info), target.name!));
          if (object) objects.push({ info: target.info, object });
        } else {
          const list = await found(() => resource.list(namespaceOf(target.info), query));
          const apiVersion = apiVersionOf(target.info);
          objects.push(...(list?.items ?? []).map((object) => ({ info: target.info, object: { apiVersion, kind: target.info.kind, ...object } })));
        }
      }
      const sorted = sortBy ? sortByJsonPath(objects, sortBy, (o) => o.object) : objects;
      if (customColumns) {
        if (sorted.length)
          context.out(
            formatCustomColumns(
              customColumns,
              sorted.map((o) => o.object),
              Boolean(context.args.bools.get('no-headers')),
            ),
          );
        else if (problems.length === 0) context.err(`No resources found in ${context.namespace} namespace.\n`);
      } else if (sorted.length || problems.length === 0) context.out(formatObjects(sorted, format, targets.length === 1 && targets[0].name !== undefined));
      reportProblems();
      return;
    }
    const groups = new Map<ResourceInfo, Table[]>();
    for (const target of targets) {
      const table = await found(() => client.resource(target.info).table(namespaceOf(target.info), target.name, query));
      if (table && sortBy) table.rows = await sortRows(context, target, namespaceOf(target.info), query, table.rows, sortBy);
      if (table) groups.set(target.info, [...(groups.get(target.info) ?? []), table]);
    }
    const several = new Set(targets.map((t) => t.info)).size > 1;
    const printed: string[] = [];
    for (const [info, tables] of groups) {
      if (tables.every((t) => t.rows.length === 0)) continue;
      printed.push(
        formatTable(tables, {
          wide: output === 'wide',
          namePrefix: several ? kindLabel(info) : undefined,
          withNamespace: all && info.namespaced,
          noHeaders: context.args.bools.get('no-headers'),
          showLabels: context.args.bools.get('show-labels'),
        }),
      );
    }
    if (printed.length === 0 && problems.length === 0) {
      const info = targets[0].info;
      context.err(info.namespaced && !all ? `No resources found in ${context.namespace} namespace.\n` : 'No resources found\n');
      return;
    }
    if (printed.length) context.out(printed.join('\n'));
    reportProblems();
  },
};

/**
 * The table's rows in the order of `sortBy`: metadata fields are in the rows themselves; any other
 * field needs the objects, listed once beside the table and matched to rows by namespace and name.
 */
async function sortRows(
  context: CommandContext,
  target: Target,
  namespace: string | undefined,
  query: { labelSelector?: string },
  rows: Table['rows'],
  sortBy: string,
): Promise<Table['rows']> {
  if (/^\{?\.?metadata\./.test(sortBy)) return sortByJsonPath(rows, sortBy, (row) => row.object);
  const resource = context.client().resource(target.info);
  const objects = target.name ? [await resource.get(namespace, target.name)] : (await resource.list(namespace, query)).items;
  const byKey = new Map(objects.map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
  return sortByJsonPath(rows, sortBy, (row) => byKey.get(`${row.object?.metadata?.namespace ?? ''}/${row.object?.metadata?.name ?? ''}`));
}
