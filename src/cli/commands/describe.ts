// `ims describe KIND/NAME`: a readable account of one object, laid out like `oc describe`.
import type { Command } from '../command.ts';
import { kinds } from '../../kube/kinds.ts';
import { parseTargets } from './get.ts';
import { CliError } from '../cli-error.ts';
import { describeImage, describeImageStream } from './describe-image.ts';

type Obj = Record<string, unknown> & {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; creationTimestamp?: string };
};

const pad = (label: string) => `${label}:`.padEnd(14);
const mapLines = (map: Record<string, string> | undefined) => {
  const entries = Object.entries(map ?? {}).filter(([k]) => k !== 'kubectl.kubernetes.io/last-applied-configuration');
  return entries.length === 0 ? '<none>' : entries.map(([k, v], i) => `${i === 0 ? '' : ' '.repeat(14)}${k}=${v}`).join('\n');
};

function header(object: Obj, kind: string): string {
  const m = object.metadata ?? {};
  const lines = [`${pad('Name')}${m.name}`];
  if (m.namespace) lines.push(`${pad('Namespace')}${m.namespace}`);
  lines.push(`${pad('Labels')}${mapLines(m.labels)}`, `${pad('Annotations')}${mapLines(m.annotations)}`);
  if (kind !== 'Secret' && m.creationTimestamp) lines.push(`${pad('Created')}${m.creationTimestamp}`);
  return lines.join('\n') + '\n';
}

function body(object: Obj, kind: string): string {
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  switch (kind) {
    case 'Secret': {
      const data = (object.data ?? {}) as Record<string, string>;
      const rows = Object.entries(data).map(([k, v]) => `${k}:  ${Buffer.from(v, 'base64').length} bytes`);
      return `\n${pad('Type')}${String(object.type ?? 'Opaque')}\n\nData\n====\n${rows.join('\n')}${rows.length ? '\n' : ''}`;
    }
    case 'ServiceAccount': {
      const names = (list: unknown) => ((list ?? []) as { name: string }[]).map((s) => s.name).join(', ') || '<none>';
      return `${'Image pull secrets:'.padEnd(20)}${names(object.imagePullSecrets)}\n${'Mountable secrets:'.padEnd(20)}${names(object.secrets)}\n`;
    }
    case 'Namespace':
    case 'Project':
      return `${pad('Status')}${String((object.status as { phase?: string } | undefined)?.phase ?? 'Active')}\n`;
    case 'RoleBinding':
    case 'ClusterRoleBinding': {
      const ref = object.roleRef as { kind: string; name: string };
      const subjects = (object.subjects ?? []) as { kind: string; name: string; namespace?: string }[];
      const rows = subjects.map((s) => `  ${s.kind.padEnd(16)}${s.name.padEnd(40)}${s.namespace ?? ''}`);
      return `Role:\n  Kind:  ${ref.kind}\n  Name:  ${ref.name}\nSubjects:\n  ${'Kind'.padEnd(16)}${'Name'.padEnd(40)}Namespace\n  ${'----'.padEnd(16)}${'----'.padEnd(40)}---------\n${rows.join('\n')}\n`;
    }
    default: {
      const template =
        kind === 'Pod'
          ? spec
          : kind === 'CronJob'
            ? (((spec.jobTemplate as Obj)?.spec as Obj)?.template as Obj)?.spec
            : (spec.template as Obj | undefined)?.spec;
      const containers = ((template as { containers?: unknown[] } | undefined)?.containers ?? []) as {
        name: string;
        image: string;
        env?: { name: string; value?: string }[];
      }[];
      if (containers.length === 0) return '';
      const lines = [];
      if (spec.replicas !== undefined) lines.push(`${pad('Replicas')}${String(spec.replicas)} desired`);
      lines.push('Containers:');
      for (const c of containers) {
        lines.push(`  ${c.name}:`, `    Image:  ${c.image}`);
        if (c.env?.length) lines.push('    Environment:', ...c.env.map((e) => `      ${e.name}:  ${e.value ?? '<set from a reference>'}`));
      }
      return lines.join('\n') + '\n';
    }
  }
}

export const describe: Command = {
  path: 'describe',
  summary: 'Show details of an object',
  usage: 'ims describe KIND/NAME | KIND NAME',
  examples:
    '  # A service account and its pull secrets\n  ims describe sa/default\n\n  # An image stream: its tags, where they come from, and their history\n  ims describe is/ruby\n\n  # The image a tag points at\n  ims describe istag/ruby:latest',
  flags: [],
  async run(context) {
    const targets = await parseTargets(context, context.args.positionals);
    if (targets.some((t) => !t.name)) throw new CliError('describe needs a name: ims describe KIND/NAME');
    const parts: string[] = [];
    const client = context.client();
    for (const target of targets) {
      const namespace = target.info.namespaced ? context.namespace : undefined;
      const name = target.name!;
      // The kinds describe lays out as oc does are read typed; the rest as plain objects.
      if (target.info.kind === 'ImageStream') parts.push(describeImageStream(await client.resource(kinds.imageStreams).get(namespace, name), new Date()));
      else if (target.info.kind === 'ImageStreamTag') {
        const image = (await client.resource(kinds.imageStreamTags).get(namespace, name)).image!;
        parts.push(describeImage(image, image.metadata!.name!, new Date()));
      } else if (target.info.kind === 'ImageStreamImage') {
        const image = (await client.resource(kinds.imageStreamImages).get(namespace, name)).image;
        parts.push(describeImage(image, image.metadata!.name!, new Date()));
      } else if (target.info.kind === 'Image') parts.push(describeImage(await client.resource(kinds.images).get(namespace, name), name, new Date()));
      else {
        const object: Obj = await client.resource(target.info).get(namespace, name);
        parts.push(header(object, target.info.kind) + body(object, target.info.kind));
      }
    }
    context.out(parts.join('\n\n'));
  },
};
