// `ims get -w` and `--watch-only`: what is there now (unless watch-only), then each change as it
// happens, from the API's watch, as kubectl prints them. List-then-watch: the watch starts at the
// version the list answered with, so no change falls between them; when the server ends a watch it
// is resumed from the last version seen, and when that version is too old (410 Gone) the current
// state is listed again and printed.
import type { CommandContext } from '../command.ts';
import type { ResourceInfo } from '../resource-resolver.ts';
import type { ListQuery, WatchEvent, WatchStatus } from '../resource-client.ts';
import type { Table } from '../output/table-printer.ts';
import type { ObjectFormat } from '../output/print-objects.ts';
import { apiVersionOf } from '../../kube/kinds.ts';
import { formatTable } from '../output/table-printer.ts';
import { formatCustomColumns, type CustomColumn } from '../output/custom-columns.ts';
import { formatObjects } from '../output/print-objects.ts';
import { CliError } from '../cli-error.ts';

export interface WatchTarget {
  readonly info: ResourceInfo;
  readonly namespace: string | undefined;
  /** One object, or the whole (selected) collection. */
  readonly name?: string;
  readonly query: ListQuery;
}

export interface WatchPrinting {
  /** JSON, YAML, names or JSONPath; rows of the server's table otherwise. */
  readonly format?: ObjectFormat;
  readonly wide: boolean;
  readonly withNamespace: boolean;
  readonly noHeaders: boolean;
  /** A LABELS column on table rows. */
  readonly showLabels?: boolean;
  /** `-o custom-columns=…`: these columns of each object instead of `format`. */
  readonly customColumns?: readonly CustomColumn[];
  /** Print changes only, not what is there when the watch starts. */
  readonly watchOnly: boolean;
}

type Versioned = Record<string, unknown> & { metadata?: { resourceVersion?: string } };

/** Prints the target and its changes until the process is stopped; fails if a watch does. */
export async function watchAndPrint(context: CommandContext, target: WatchTarget, printing: WatchPrinting): Promise<void> {
  const resource = context.client().resource(target.info);
  const { namespace, name, query } = target;
  let columns: Table['columnDefinitions'] | undefined;
  let headerShown = printing.noHeaders;
  let printedObjects = 0;
  let resourceVersion: string | undefined;

  const printRows = (table: Table) => {
    columns ??= table.columnDefinitions.length ? table.columnDefinitions : undefined;
    if (!columns || table.rows.length === 0) return;
    context.out(
      formatTable([{ columnDefinitions: columns, rows: table.rows }], {
        wide: printing.wide,
        withNamespace: printing.withNamespace,
        noHeaders: headerShown,
        showLabels: printing.showLabels,
      }),
    );
    headerShown = true;
  };
  const printObject = (format: ObjectFormat, object: Versioned) => {
    if (printing.customColumns) {
      context.out(formatCustomColumns(printing.customColumns, [object], headerShown));
      headerShown = true;
      return;
    }
    const text = formatObjects([{ info: target.info, object: { apiVersion: apiVersionOf(target.info), kind: target.info.kind, ...object } }], format, true);
    // Several YAML documents in one output are separated as kubectl's YAML printer separates them.
    context.out(format === 'yaml' && printedObjects > 0 ? `---\n${text}` : text);
    printedObjects += 1;
  };
  const list = async (print: boolean) => {
    const format = printing.format;
    if (!format) {
      const table = await resource.table(namespace, name, query);
      resourceVersion = table.metadata?.resourceVersion;
      columns ??= table.columnDefinitions;
      if (print) printRows(table);
      return;
    }
    const objects: Versioned[] = [];
    if (name !== undefined) {
      const object: Versioned = await resource.get(namespace, name);
      resourceVersion = object.metadata?.resourceVersion;
      objects.push(object);
    } else {
      const found = await resource.list(namespace, query);
      resourceVersion = found.metadata?.resourceVersion;
      objects.push(...found.items);
    }
    if (print) for (const object of objects) printObject(format, object);
  };

  /** Follows one watch until the server ends it ('ended') or the version is too old ('gone'). */
  const follow = async <O>(
    events: AsyncIterable<WatchEvent<O>>,
    versionOf: (object: O) => string | undefined,
    print: (object: O) => void,
  ): Promise<'ended' | 'gone'> => {
    for await (const event of events) {
      if (event.type === 'ERROR') {
        if (isGone(event.object)) return 'gone';
        throw new CliError(event.object.message ?? 'the watch failed');
      }
      resourceVersion = versionOf(event.object) ?? resourceVersion;
      if (event.type !== 'BOOKMARK') print(event.object);
    }
    return 'ended';
  };

  await list(!printing.watchOnly);
  for (;;) {
    const watchQuery = { ...query, name, resourceVersion, signal: context.signal };
    const format = printing.format;
    const outcome = format
      ? await follow(
          resource.watch(namespace, watchQuery),
          (object: Versioned) => object.metadata?.resourceVersion,
          (object) => printObject(format, object),
        )
      : await follow(resource.watchTable(namespace, watchQuery), (table) => table.rows[0]?.object?.metadata?.resourceVersion, printRows);
    if (outcome === 'gone') await list(true);
  }
}

function isGone(status: WatchStatus): boolean {
  return status.code === 410 || status.reason === 'Gone' || status.reason === 'Expired';
}
