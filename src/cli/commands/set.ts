// `ims set triggers` and `ims set image-lookup` (SPEC §6, §7): follow stream tags from workloads,
// and let short image names resolve to streams.
import type { Command, CommandContext } from '../command.ts';
import type { ResourceInfo } from '../resource-resolver.ts';
import { kindLabel } from '../resource-resolver.ts';
import { kinds } from '../../kube/kinds.ts';
import { CliError } from '../cli-error.ts';
import { podSpecPaths, podSpecOf, podTemplateMetaOf } from '../../image/pod-spec.ts';
import { readTriggers, triggersAnnotation, type ImageTrigger } from '../../image/triggers.ts';
import { resolveNamesAnnotation } from '../../image/image-lookup.ts';
import { formatTable } from '../output/table-printer.ts';

type Obj = Record<string, unknown> & { metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: Record<string, unknown> };

async function target(context: CommandContext, word: string): Promise<{ info: ResourceInfo; name: string }> {
  const slash = word.indexOf('/');
  if (slash <= 0) throw new CliError(`"${word}" must be KIND/NAME, e.g. deploy/web`);
  return { info: await (await context.resolver()).resolve(word.slice(0, slash)), name: word.slice(slash + 1) };
}

export const setTriggers: Command = {
  path: 'set triggers',
  summary: 'Update workloads when an image stream tag changes, or list their triggers',
  usage: 'ims set triggers KIND/NAME [--from-image STREAM:TAG -c CONTAINER[,CONTAINER]] [--remove] [--auto=false]',
  examples: `  # Roll deploy/web to the new image whenever python:prod changes
  ims set triggers deploy/web --from-image=python:prod -c web

  # Show a workload's triggers
  ims set triggers deploy/web

  # Stop following a tag
  ims set triggers deploy/web --from-image=python:prod --remove`,
  flags: [
    { name: 'from-image', type: 'string', help: 'the image stream tag to follow, [namespace/]stream:tag', placeholder: 'STREAM:TAG' },
    { name: 'containers', short: 'c', type: 'strings', help: 'the containers whose image follows the tag', placeholder: 'NAME' },
    { name: 'remove', type: 'bool', help: 'remove the trigger(s) instead of adding' },
    { name: 'auto', type: 'bool', help: 'apply changes automatically (--auto=false pauses the trigger)' },
    { name: 'manual', type: 'bool', help: 'add the trigger paused' },
  ],
  async run(context) {
    const [word] = context.args.positionals;
    if (!word) throw new CliError('a KIND/NAME is required, e.g. deploy/web');
    const { info, name } = await target(context, word);
    if (!['Deployment', 'DaemonSet', 'StatefulSet', 'CronJob'].includes(info.kind))
      throw new CliError(`${kindLabel(info)} does not support image triggers (use a Deployment, DaemonSet, StatefulSet or CronJob)`);
    const workloads = context.client().resource<Obj>(info);
    const object = await workloads.get(context.namespace, name);
    const existing = readTriggers(object.metadata.annotations, info.kind, object).triggers;
    const fromImage = context.args.strings.get('from-image');
    const remove = context.args.bools.get('remove');
    if (!fromImage && !remove) {
      context.out(listTriggers(info, object, existing, context.namespace));
      return;
    }
    let triggers: ImageTrigger[];
    const podPath = podSpecPaths[info.kind].join('.');
    if (fromImage) {
      const match = /^(?:([a-z0-9-.]+)\/)?([^/:@]+)(?::([^/:@]+))?$/.exec(fromImage);
      if (!match || fromImage.includes('@')) throw new CliError('the value of --from-image must point to an image stream tag on this server');
      const [, ns, stream, tag] = match;
      if (!tag) throw new CliError('the value of --from-image must include the tag you wish to pull from');
      if (remove)
        triggers = existing.filter((t) => !(t.from.name === `${stream}:${tag}` && (t.from.namespace ?? context.namespace) === (ns ?? context.namespace)));
      else {
        const containers = context.args.lists.get('containers') ?? [];
        if (containers.length === 0) throw new CliError('you must specify --containers when setting --from-image');
        const names = ((podSpecOf(object, info.kind)?.containers ?? []) as { name: string }[]).map((c) => c.name);
        const unknown = containers.filter((c) => !names.includes(c));
        if (unknown.length) throw new CliError(`not all container names exist: ${unknown.join(', ')} (accepts: ${names.join(', ')})`);
        const fieldPath = (c: string) => `${podPath}.containers[?(@.name=="${c}")].image`;
        const taken = containers.filter((c) => existing.some((t) => t.fieldPath === fieldPath(c) && t.from.name !== `${stream}:${tag}`));
        if (taken.length) throw new CliError(`only one trigger may reference each container: ${taken.join(', ')}`);
        const paused = context.args.bools.get('manual') === true || context.args.bools.get('auto') === false;
        triggers = [
          ...existing.filter((t) => !containers.some((c) => t.fieldPath === fieldPath(c))),
          ...containers.map((c) => ({
            from: { kind: 'ImageStreamTag', name: `${stream}:${tag}`, ...(ns && ns !== context.namespace ? { namespace: ns } : {}) },
            fieldPath: fieldPath(c),
            paused,
          })),
        ];
      }
    } else triggers = [];
    const annotations = { ...object.metadata.annotations };
    if (triggers.length) annotations[triggersAnnotation] = JSON.stringify(triggers);
    else delete annotations[triggersAnnotation];
    await workloads.update(context.namespace, name, { ...object, metadata: { ...object.metadata, annotations } });
    context.out(`${kindLabel(info)}/${name} triggers updated\n`);
  },
};

function listTriggers(info: ResourceInfo, object: Obj, triggers: readonly ImageTrigger[], namespace: string): string {
  const name = `${info.resource}/${object.metadata.name}`;
  const rows: unknown[][] = [];
  if (info.kind === 'Deployment') rows.push([name, 'config', '', String(!object.spec?.paused)]);
  for (const trigger of triggers) {
    const container = /name=="([^"]+)"|\[(\d+)\]/.exec(trigger.fieldPath);
    const from = trigger.from.namespace && trigger.from.namespace !== namespace ? `${trigger.from.namespace}/${trigger.from.name}` : trigger.from.name;
    rows.push([name, 'image', `${from} (${container?.[1] ?? container?.[2] ?? trigger.fieldPath})`, String(!trigger.paused)]);
  }
  return formatTable(
    [{ columnDefinitions: ['Name', 'Type', 'Value', 'Auto'].map((n) => ({ name: n, priority: 0 })), rows: rows.map((cells) => ({ cells })) }],
    { wide: false },
  );
}

export const setImageLookup: Command = {
  path: 'set image-lookup',
  summary: 'Let short image names resolve to image streams, or list which streams allow it',
  usage: 'ims set image-lookup [STREAM... | KIND/NAME...] [--enabled=false]',
  examples: `  # Let deployments in this project use "python:prod" as an image name
  ims set image-lookup python

  # Make one deployment resolve all its image names through streams
  ims set image-lookup deploy/web

  # List the streams and whether they allow it
  ims set image-lookup`,
  flags: [
    { name: 'enabled', type: 'bool', help: 'allow (default) or, with --enabled=false, stop local name lookup' },
    { name: 'list', type: 'bool', help: 'list the streams and their lookup setting' },
  ],
  async run(context) {
    const words = context.args.positionals;
    const enabled = context.args.bools.get('enabled') ?? true;
    const resolver = await context.resolver();
    const streams = await resolver.resolve('imagestreams');
    if (words.length === 0 || context.args.bools.get('list')) {
      const list = await context.client().resource(kinds.imageStreams).list(context.namespace);
      const rows = list.items.map((s) => ({ cells: [s.metadata.name, String(Boolean(s.spec?.lookupPolicy?.local))] }));
      if (rows.length === 0) return context.err(`No resources found in ${context.namespace} namespace.\n`);
      context.out(
        formatTable(
          [
            {
              columnDefinitions: [
                { name: 'Name', priority: 0 },
                { name: 'Local', priority: 0 },
              ],
              rows,
            },
          ],
          { wide: false },
        ),
      );
      return;
    }
    for (const word of words) {
      const { info, name } = word.includes('/') ? await target(context, word) : { info: streams, name: word };
      const resource = context.client().resource<Obj>(info);
      const object = await resource.get(context.namespace, name);
      if (info.kind === 'ImageStream') {
        object.spec = { ...object.spec, lookupPolicy: { local: enabled } };
      } else {
        if (!podSpecPaths[info.kind]) throw new CliError(`${kindLabel(info)} has no pod template to resolve images in`);
        const meta = (podTemplateMetaOf(object, info.kind) ?? object.metadata) as { annotations?: Record<string, string> };
        meta.annotations = { ...meta.annotations };
        if (enabled) meta.annotations[resolveNamesAnnotation] = '*';
        else delete meta.annotations[resolveNamesAnnotation];
      }
      await resource.update(context.namespace, name, object);
      context.out(`${kindLabel(info)}/${name} image lookup updated\n`);
    }
  },
};
