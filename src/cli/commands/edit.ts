// `ims edit KIND NAME`: the object in $KUBE_EDITOR or $EDITOR (else vi), saved as a patch of what
// changed, as kubectl edit: what others change meanwhile in other fields is kept, a conflict is
// retried on the latest object, and a save the server refuses reopens the file with the reasons.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import YAML from 'yaml';
import type { Command, CommandContext } from '../command.ts';
import type { CliEnv } from '../config.ts';
import type { ResourceInfo } from '../resource-resolver.ts';
import type { Target } from './get.ts';
import { CliError } from '../cli-error.ts';
import { ServerError } from '../api-client.ts';
import { apiVersionOf } from '../../kube/kinds.ts';
import { kindLabel } from '../resource-resolver.ts';
import { parseTargets } from './get.ts';

const header = `# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON merge patch that turns `original` into `edited`: changed keys, and null for removed ones. */
export function twoWayMergePatch(original: Record<string, unknown>, edited: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(original)) if (!Object.hasOwn(edited, key)) patch[key] = null;
  for (const [key, value] of Object.entries(edited)) {
    const before = original[key];
    if (isObject(value) && isObject(before)) {
      const nested = twoWayMergePatch(before, value);
      if (Object.keys(nested).length) patch[key] = nested;
    } else if (!isDeepStrictEqual(value, before)) patch[key] = value;
  }
  return patch;
}

/** The text without comment lines, as kubectl compares and reads an edited file. */
export function stripComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
}

function serialize(object: Record<string, unknown>, json: boolean): string {
  return json ? JSON.stringify(object, null, 4) + '\n' : YAML.stringify(object, { lineWidth: 0, aliasDuplicateObjects: false });
}

function runEditor(file: string, env: CliEnv): void {
  const editor = env.KUBE_EDITOR || env.EDITOR || 'vi';
  // Through the shell, as kubectl runs an editor with arguments ("code --wait"); the file is "$1", never spliced in.
  const result = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit', env });
  if (result.error || result.status !== 0) throw new CliError(`there was a problem with the editor "${editor}"`);
}

type Attempt = { readonly kind: 'cancelled'; readonly message: string } | { readonly kind: 'saved'; readonly operation: string };

async function editOne(context: CommandContext, info: ResourceInfo, name: string, json: boolean): Promise<Attempt> {
  const namespace = info.namespaced ? context.namespace : undefined;
  const resource = context.client().resource(info);
  const typed = (object: Record<string, unknown>) => ({ apiVersion: apiVersionOf(info), kind: info.kind, ...object });
  const original = typed(await resource.get(namespace, name));
  const dir = mkdtempSync(join(tmpdir(), 'ims-edit-'));
  const file = join(dir, `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.${json ? 'json' : 'yaml'}`);
  let keepFile = false;
  try {
    let text = header + serialize(original, json);
    let previous: string | undefined;
    for (;;) {
      writeFileSync(file, text, { mode: 0o600 });
      runEditor(file, context.env);
      const saved = readFileSync(file, 'utf8');
      const content = stripComments(saved);
      if (previous !== undefined && content === previous) {
        keepFile = true;
        context.err(`A copy of your changes has been stored to "${file}"\n`);
        throw new CliError('Edit cancelled, no valid changes were saved.');
      }
      if (content.trim() === '') return { kind: 'cancelled', message: 'Edit cancelled, saved file was empty.' };
      const problems: string[] = [];
      let edited: unknown;
      try {
        edited = YAML.parse(content, { maxAliasCount: 100 });
      } catch (error) {
        problems.push(`The edited file had a syntax error: ${(error as Error).message}`);
      }
      if (problems.length === 0 && previous === undefined && isDeepStrictEqual(edited, original))
        return { kind: 'cancelled', message: 'Edit cancelled, no changes made.' };
      if (problems.length === 0) {
        const problem = await save(resource, namespace, name, original, edited);
        if (problem === undefined) return { kind: 'saved', operation: 'edited' };
        problems.push(problem);
      }
      previous = content;
      text = `${header}# ${kindLabel(info)} "${name}" was not valid:\n${problems
        .flatMap((p) => p.split('\n'))
        .map((line) => `# * ${line}`)
        .join('\n')}\n#\n${content}`;
    }
  } finally {
    if (!keepFile) rmSync(dir, { recursive: true, force: true });
  }
}

/** Sends what changed; undefined when saved, else what the server said, for the reopened file. */
async function save(
  resource: ReturnType<ReturnType<CommandContext['client']>['resource']>,
  namespace: string | undefined,
  name: string,
  original: Record<string, unknown>,
  edited: unknown,
): Promise<string | undefined> {
  if (!isObject(edited)) return 'the edited file must hold one object';
  const meta = (o: Record<string, unknown>) => (isObject(o.metadata) ? o.metadata : {});
  if (edited.apiVersion !== original.apiVersion || edited.kind !== original.kind || meta(edited).name !== meta(original).name)
    return 'At least one of apiVersion, kind and name was changed';
  const patch = twoWayMergePatch(original, edited);
  for (let attempt = 0; ; attempt++) {
    try {
      await resource.patch(namespace, name, patch);
      return undefined;
    } catch (error) {
      if (!(error instanceof ServerError) || error.status === 401 || error.status === 403 || error.status === 404) throw error;
      // A conflict the user did not ask for (no resourceVersion edited) is the server's race: retry.
      const pinned = isObject(patch.metadata) && 'resourceVersion' in patch.metadata;
      if (error.status === 409 && !pinned && attempt < 3) continue;
      return error.message;
    }
  }
}

export const edit: Command = {
  path: 'edit',
  summary: 'Edit an object in your editor and save it',
  usage: 'ims edit (KIND NAME | KIND/NAME) [-o yaml|json] [flags]',
  examples: `  # Edit an image stream in $EDITOR
  ims edit is/ruby

  # Edit a deployment as JSON with another editor
  KUBE_EDITOR="nano" ims edit deploy/web -o json`,
  flags: [{ name: 'output', short: 'o', type: 'string', help: 'yaml (default) or json, the format to edit in', placeholder: 'FORMAT', default: 'yaml' }],
  async run(context) {
    const output = context.args.strings.get('output');
    if (output !== 'yaml' && output !== 'json') throw new CliError(`the edit format must be yaml or json, not "${output}"`);
    const targets: Target[] = await parseTargets(context, context.args.positionals);
    if (targets.some((t) => !t.name)) throw new CliError('edit needs objects by name: KIND NAME or KIND/NAME');
    for (const { info, name } of targets) {
      const result = await editOne(context, info, name!, output === 'json');
      if (result.kind === 'cancelled') context.err(`${result.message}\n`);
      else context.out(`${kindLabel(info)}/${name} ${result.operation}\n`);
    }
  },
};
