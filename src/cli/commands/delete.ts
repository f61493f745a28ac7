// `ims delete KIND/NAME... | KIND NAME... | -f FILE`.
import type { Command } from '../command.ts';
import { fileFlag } from '../command.ts';
import { kindLabel, resourceLabel } from '../resource-resolver.ts';
import { readManifests } from '../manifests.ts';
import { parseTargets } from './get.ts';
import { CliError } from '../cli-error.ts';
import { ServerError } from '../api-client.ts';

export const deleteCommand: Command = {
  path: 'delete',
  summary: 'Delete objects by kind and name, or those in a file',
  usage: 'ims delete (KIND/NAME... | KIND NAME... | -f FILE) [flags]',
  examples: `  # Delete a secret
  ims delete secret/pull-creds

  # Delete what a file describes
  ims delete -f app.yaml

  # Delete an image stream tag
  ims delete istag/ruby:2.7`,
  flags: [fileFlag, { name: 'ignore-not-found', type: 'bool', help: 'succeed when an object is already gone' }],
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
        : (await parseTargets(context, context.args.positionals)).map((t) => ({ ...t, namespace: undefined as string | undefined }));
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
        if (error instanceof ServerError && error.status === 404) failure = new CliError(`${resourceLabel(target.info)} "${target.name}" not found`);
        else failure = error as Error;
        context.err(`error: ${failure.message}\n`);
      }
    }
    if (failure) throw Object.assign(failure, { reported: true });
  },
};
