// `ims patch KIND NAME -p PATCH`: changes fields of one object in place with a strategic merge
// patch (kubectl's default: lists of containers, env, tags… merge by name), a JSON merge patch or
// a JSON patch, written as JSON or YAML, given inline or in a file.
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import YAML from 'yaml';
import type { Command } from '../command.ts';
import type { PatchType } from '../resource-client.ts';
import { outputFlag } from '../command.ts';
import { CliError } from '../cli-error.ts';
import { apiVersionOf } from '../../kube/kinds.ts';
import { formatWritten, parseObjectFormat } from '../output/print-objects.ts';
import { parseTargets } from './get.ts';

const patchTypes: readonly PatchType[] = ['strategic', 'merge', 'json'];

/** The patch as the server takes it: JSON, from JSON or YAML text. */
export function parsePatch(text: string, type: PatchType): unknown {
  let patch: unknown;
  try {
    patch = YAML.parse(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new CliError(`unable to parse "${text.length > 200 ? text.slice(0, 200) + '…' : text}": ${(error as Error).message}`);
  }
  if (type === 'json' && !Array.isArray(patch))
    throw new CliError('a JSON patch (--type json) is a list of operations, e.g. [{"op": "replace", "path": "/spec/replicas", "value": 2}]');
  if (type !== 'json' && (typeof patch !== 'object' || patch === null || Array.isArray(patch)))
    throw new CliError(`a ${type} patch is an object of the fields to change, e.g. {"metadata": {"labels": {"team": "web"}}}`);
  return patch;
}

/** The object without what every write changes, to tell a patch that changed nothing. */
function content(object: Record<string, unknown>): unknown {
  const { resourceVersion: _rv, managedFields: _mf, ...metadata } = (object.metadata ?? {}) as Record<string, unknown>;
  return { ...object, metadata };
}

export const patch: Command = {
  path: 'patch',
  summary: 'Change fields of an object with a patch',
  usage: 'ims patch (KIND NAME | KIND/NAME) (-p PATCH | --patch-file FILE) [--type strategic|merge|json] [flags]',
  examples: `  # Scale a deployment (a strategic merge patch, as kubectl sends by default)
  ims patch deploy/web -p '{"spec":{"replicas":3}}'

  # Change one container's image: containers merge by name
  ims patch deploy/web -p '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"web:2"}]}}}}'

  # Turn on local lookup of a stream, in YAML
  ims patch is/ruby --type merge -p 'spec: {lookupPolicy: {local: true}}'

  # Remove a tag's import schedule with a JSON patch
  ims patch is/ruby --type json -p '[{"op":"remove","path":"/spec/tags/0/importPolicy/scheduled"}]'`,
  flags: [
    { name: 'patch', short: 'p', type: 'string', help: 'the patch, as JSON or YAML', placeholder: 'PATCH' },
    { name: 'patch-file', type: 'string', help: 'a file holding the patch', placeholder: 'FILE' },
    { name: 'type', type: 'string', help: 'strategic, merge or json', placeholder: 'TYPE', default: 'strategic' },
    outputFlag,
  ],
  async run(context) {
    const type = context.args.strings.get('type') as PatchType;
    if (!patchTypes.includes(type)) throw new CliError(`--type must be one of [json merge strategic], not "${type}"`);
    const inline = context.args.strings.get('patch');
    const file = context.args.strings.get('patch-file');
    if ((inline === undefined) === (file === undefined)) throw new CliError('must specify one of -p and --patch-file containing a patch');
    let text = inline;
    if (file !== undefined) {
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new CliError(`unable to read patch file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    }
    const body = parsePatch(text!, type);
    const format = parseObjectFormat(context.args.strings.get('output'));
    const targets = await parseTargets(context, context.args.positionals);
    if (targets.length !== 1 || !targets[0].name) throw new CliError('patch takes exactly one object: KIND NAME or KIND/NAME');
    const [{ info, name }] = targets;
    const namespace = info.namespaced ? context.namespace : undefined;
    const resource = context.client().resource(info);
    const before = await resource.get(namespace, name!);
    const after = await resource.patch(namespace, name!, body, { type });
    const unchanged = isDeepStrictEqual(content(before), content(after));
    context.out(formatWritten(info, { apiVersion: apiVersionOf(info), kind: info.kind, ...after }, unchanged ? 'patched (no change)' : 'patched', format));
  },
};
