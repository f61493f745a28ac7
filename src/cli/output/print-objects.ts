// Prints objects for -o json|yaml|name|jsonpath=…, as kubectl: one object as itself, several as a List.
import { createRequire } from 'node:module';
import type { ResourceInfo } from '../resource-resolver.ts';
import { kindLabel } from '../resource-resolver.ts';
import { renderJsonPath } from './jsonpath.ts';
import { CliError } from '../cli-error.ts';

/**
 * The YAML library, loaded on first use: it is most of what a command would load, and `ims get`
 * printing a table needs none of it.
 */
const yaml = (): typeof import('yaml') => createRequire(import.meta.url)('yaml') as typeof import('yaml');

export type ObjectFormat = 'json' | 'yaml' | 'name' | { jsonpath: string };

export function parseObjectFormat(output: string | undefined): ObjectFormat | undefined {
  if (output === undefined || output === '' || output === 'wide') return undefined;
  if (output === 'json' || output === 'yaml' || output === 'name') return output;
  const jsonpath = /^jsonpath=(.*)$/s.exec(output);
  if (jsonpath) return { jsonpath: jsonpath[1] };
  throw new CliError(`unable to match a printer suitable for the output format "${output}", allowed formats are: json,jsonpath,name,wide,yaml`);
}

export function formatObjects(objects: readonly { info: ResourceInfo; object: Record<string, unknown> }[], format: ObjectFormat, single: boolean): string {
  if (format === 'name') return objects.map(({ info, object }) => `${kindLabel(info)}/${(object.metadata as { name?: string })?.name}\n`).join('');
  const data =
    single && objects.length === 1
      ? objects[0].object
      : { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: objects.map((o) => o.object) };
  if (format === 'json') return JSON.stringify(data, null, 4) + '\n';
  if (format === 'yaml') return yaml().stringify(data, { lineWidth: 0, sortMapEntries: true, aliasDuplicateObjects: false });
  return renderJsonPath(format.jsonpath, data);
}

/** What a command that wrote one object prints: `deployment.apps/web created`, or the object in `format`. */
export function formatWritten(
  info: Pick<ResourceInfo, 'group' | 'kind'>,
  object: Record<string, unknown>,
  operation: string,
  format: ObjectFormat | undefined,
): string {
  const name = (object.metadata as { name?: string } | undefined)?.name ?? '';
  if (format === undefined) return `${kindLabel(info)}/${name} ${operation}\n`;
  return formatObjects([{ info: info as ResourceInfo, object }], format, true);
}
