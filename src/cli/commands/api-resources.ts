// `ims api-resources`: the kinds the server serves, as `kubectl api-resources` lists them, from a
// fresh discovery (which also renews the cached copy) unless --cached.
import type { Command } from '../command.ts';
import type { ResourceInfo } from '../resource-resolver.ts';
import { CliError } from '../cli-error.ts';
import { apiVersionOf } from '../../kube/kinds.ts';
import { resourceLabel } from '../resource-resolver.ts';
import { formatTable } from '../output/table-printer.ts';
import { cacheDir, freshResources } from '../discovery-cache.ts';

export const apiResources: Command = {
  path: 'api-resources',
  summary: 'List the kinds of objects the server serves',
  usage: 'ims api-resources [--namespaced=true|false] [--api-group=GROUP] [--verbs=VERB,...] [-o wide|name] [flags]',
  examples: `  # Every kind, with short names and API versions
  ims api-resources

  # The image kinds, with the verbs they allow
  ims api-resources --api-group=image.openshift.io -o wide

  # Kinds that live outside projects
  ims api-resources --namespaced=false`,
  flags: [
    { name: 'namespaced', type: 'string', help: 'true: only kinds that live in a project; false: only those that do not', placeholder: 'BOOL' },
    { name: 'api-group', type: 'string', help: "only this API group ('' for the core group)", placeholder: 'GROUP' },
    { name: 'verbs', type: 'strings', help: 'only kinds that allow all of these verbs', placeholder: 'VERB' },
    { name: 'sort-by', type: 'string', help: 'name or kind', placeholder: 'FIELD' },
    { name: 'output', short: 'o', type: 'string', help: 'wide (verbs and categories too) or name', placeholder: 'FORMAT' },
    { name: 'no-headers', type: 'bool', help: "don't print column headers" },
    { name: 'cached', type: 'bool', help: 'use the cached list of kinds, if there is one' },
  ],
  async run(context) {
    const output = context.args.strings.get('output');
    if (output !== undefined && output !== 'wide' && output !== 'name') throw new CliError(`--output ${output} is not available`);
    const namespaced = context.args.strings.get('namespaced');
    if (namespaced !== undefined && namespaced !== 'true' && namespaced !== 'false')
      throw new CliError(`invalid argument "${namespaced}" for "--namespaced" flag`);
    const sortBy = context.args.strings.get('sort-by');
    if (sortBy !== undefined && sortBy !== 'name' && sortBy !== 'kind') throw new CliError(`--sort-by accepts only name or kind`);
    const group = context.args.strings.get('api-group');
    const verbs = context.args.lists.get('verbs') ?? [];
    const all = context.args.bools.get('cached') ? (await context.resolver()).all() : await freshResources(context.client(), Date.now(), cacheDir(context.env));
    const shown = all
      // As kubectl: a resource that serves no verb (the core group's stand-ins for OpenShift 3's legacy kinds) is not listed.
      .filter((r) => r.verbs.length > 0)
      .filter((r) => (namespaced === undefined || r.namespaced === (namespaced === 'true')) && (group === undefined || r.group === group))
      .filter((r) => verbs.every((v) => r.verbs.includes(v)))
      .sort(order(sortBy));
    if (output === 'name') {
      context.out(shown.map((r) => `${resourceLabel(r)}\n`).join(''));
      return;
    }
    const wide = output === 'wide';
    const columns = ['Name', 'ShortNames', 'ApiVersion', 'Namespaced', 'Kind', ...(wide ? ['Verbs', 'Categories'] : [])];
    const rows = shown.map((r) => ({
      cells: [
        r.resource,
        r.shortNames.join(','),
        apiVersionOf(r),
        String(r.namespaced),
        r.kind,
        ...(wide ? [`[${r.verbs.join(' ')}]`, (r.categories ?? []).join(',')] : []),
      ],
    }));
    context.out(
      formatTable([{ columnDefinitions: columns.map((name) => ({ name, priority: 0 })), rows }], {
        wide: true,
        noHeaders: context.args.bools.get('no-headers'),
      }),
    );
  },
};

/** kubectl's order: by group (the core group first), then by name; or by name or kind alone. */
function order(sortBy: string | undefined): (a: ResourceInfo, b: ResourceInfo) => number {
  if (sortBy === 'name') return (a, b) => a.resource.localeCompare(b.resource);
  if (sortBy === 'kind') return (a, b) => a.kind.localeCompare(b.kind);
  return (a, b) => a.group.localeCompare(b.group) || a.resource.localeCompare(b.resource);
}
