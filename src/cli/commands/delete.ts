// `ims delete KIND/NAME... | KIND NAME... | KIND -l SELECTOR | KIND --all | -f FILE`: as kubectl, a
// selector is listed first and each object it matched is deleted by name.
import type { Command, CommandContext } from '../command.ts';
import type { ResourceInfo } from '../resource-resolver.ts';
import { fileFlag } from '../command.ts';
import { kindLabel, resourceLabel } from '../resource-resolver.ts';
import { readManifests } from '../manifests.ts';
import { parseTargets } from './get.ts';
import { CliError, failureLine } from '../cli-error.ts';
import { ServerError } from '../api-client.ts';

export const deleteCommand: Command = {
  path: 'delete',
  summary: 'Delete objects by kind and name, or those in a file',
  usage: 'ims delete (KIND/NAME... | KIND NAME... | KIND -l SELECTOR | KIND --all | -f FILE) [flags]',
  examples: `  # Delete a secret
  ims delete secret/pull-creds

  # Delete what a file describes
  ims delete -f app.yaml

  # Delete an image stream tag
  ims delete istag/ruby:2.7

  # Delete the streams labelled team=web
  ims delete is -l team=web`,
  flags: [
    fileFlag,
    { name: 'selector', short: 'l', type: 'string', help: 'delete the objects of KIND these labels select, e.g. team=web', placeholder: 'SELECTOR' },
    { name: 'all', type: 'bool', help: 'delete every object of KIND in the project' },
    { name: 'ignore-not-found', type: 'bool', help: 'succeed when an object is already gone' },
  ],
  async run(context) {
    const files = context.args.lists.get('filename') ?? [];
    const resolver = await context.resolver();
    const targets =
      files.length > 0
        ? await Promise.all(
            (await readManifests(files, context.stdin)).map(async (m) => ({
              info: await resolver.byKind(m.apiVersion, m.kind),
              name: m.metadata.name,
              namespace: m.metadata.namespace,
            })),
          )
        : await namedOrSelected(context);
    if (targets.length === 0) {
      context.err('No resources found\n');
      return;
    }
    if (targets.some((t) => !t.name)) throw new CliError('resource(s) were provided, but no name was specified');
    const ignoreMissing = context.args.bools.get('ignore-not-found') ?? false;
    let failure: Error | undefined;
    for (const target of targets) {
      const namespace = target.info.namespaced ? (target.namespace ?? context.namespace) : undefined;
      try {
        await context
          .client()
          .resource(target.info)
          .delete(namespace, target.name!, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
        context.out(`${kindLabel(target.info)} "${target.name}" deleted\n`);
      } catch (error) {
        if (ignoreMissing && error instanceof ServerError && error.status === 404) continue;
        failure = error as Error;
        context.err(`${failureLine(failure)}\n`);
      }
    }
    if (failure) throw Object.assign(failure, { reported: true });
  },
};

/** The objects the words name, or, with -l or --all, those of the kinds named that the selector matches. */
async function namedOrSelected(context: CommandContext): Promise<{ info: ResourceInfo; name?: string; namespace?: string }[]> {
  const selector = context.args.strings.get('selector');
  const all = context.args.bools.get('all') ?? false;
  const targets = await parseTargets(context, context.args.positionals);
  if (!selector && !all) return targets;
  if (targets.some((t) => t.name)) throw new CliError('name cannot be provided when a selector (-l) or --all is specified');
  const found: { info: ResourceInfo; name: string }[] = [];
  for (const { info } of targets) {
    const list = await context
      .client()
      .resource(info)
      .list(info.namespaced ? context.namespace : undefined, { labelSelector: selector });
    found.push(...list.items.map((item) => ({ info, name: item.metadata.name })));
  }
  return found;
}
