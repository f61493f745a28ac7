// `ims create -f FILE` and `ims apply -f FILE`: send the objects of files; apply creates what is
// missing and patches the rest with a three-way merge against the last applied configuration.
import { isDeepStrictEqual } from 'node:util';
import type { Command, CommandContext } from '../command.ts';
import type { Manifest } from '../manifests.ts';
import type { KubeObject } from '../../kube/object.ts';
import type { ResourceInfo } from '../resource-resolver.ts';
import { fileFlag, outputFlag } from '../command.ts';
import { readManifests, sourceOf } from '../manifests.ts';
import { kindLabel } from '../resource-resolver.ts';
import { ServerError } from '../api-client.ts';
import { CliError, failureLine } from '../cli-error.ts';

const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

async function eachManifest(
  context: CommandContext,
  action: (manifest: Manifest, info: ResourceInfo, namespace: string | undefined) => Promise<string>,
  doing?: string,
): Promise<void> {
  const files = context.args.lists.get('filename') ?? [];
  if (files.length === 0) throw new CliError('must specify -f FILE (or -f - for standard input)');
  const manifests = await readManifests(files, context.stdin);
  const resolver = await context.resolver();
  let failure: Error | undefined;
  for (const manifest of manifests) {
    const info = await resolver.byKind(manifest.apiVersion, manifest.kind);
    const flagNamespace = context.args.strings.get('namespace');
    if (flagNamespace && manifest.metadata.namespace && flagNamespace !== manifest.metadata.namespace) {
      throw new CliError(
        `the namespace from the provided object "${manifest.metadata.namespace}" does not match the namespace "${flagNamespace}". You must pass '--namespace=${manifest.metadata.namespace}' to perform this operation.`,
      );
    }
    const namespace = info.namespaced ? (manifest.metadata.namespace ?? context.namespace) : undefined;
    try {
      context.out(`${kindLabel(info)}/${manifest.metadata.name ?? ''} ${await action(manifest, info, namespace)}\n`);
    } catch (error) {
      // As kubectl: a refusal names the file it came from (`error when creating "is.yaml": …`).
      const source = sourceOf(manifest);
      failure =
        doing && source && error instanceof ServerError
          ? new ServerError(error.status, error.reason, `error when ${doing} "${source}": ${error.message}`, error.details)
          : (error as Error);
      context.err(`${failureLine(failure)}\n`);
    }
  }
  if (failure) throw Object.assign(failure, { reported: true });
}

export const create: Command = {
  path: 'create',
  summary: 'Create objects from files',
  usage: 'ims create -f FILE|- [flags]',
  examples: `  # Create an image stream from a file
  ims create -f ruby-imagestream.yaml

  # Create from standard input
  cat secret.yaml | ims create -f -`,
  flags: [fileFlag, outputFlag],
  async run(context) {
    await eachManifest(
      context,
      async (manifest, info, namespace) => {
        if (namespace) manifest.metadata.namespace = namespace;
        // As kubectl: what the server does not know in a file is a mistake to report, not to drop.
        await context.client().resource(info).create(namespace, manifest, { strict: true });
        return 'created';
      },
      'creating',
    );
  },
};

export const apply: Command = {
  path: 'apply',
  summary: 'Create or update objects so that they match files',
  usage: 'ims apply -f FILE|- [flags]',
  examples: `  # Create or update everything in a file
  ims apply -f app.yaml

  # Apply a directory of YAML files
  ims apply -f manifests/`,
  flags: [fileFlag, outputFlag],
  async run(context) {
    await eachManifest(context, async (manifest, info, namespace) => {
      if (namespace) manifest.metadata.namespace = namespace;
      const name = manifest.metadata.name;
      if (!name) throw new CliError(`error when retrieving current configuration of ${manifest.kind}: a name is required`);
      const modified = withLastApplied(manifest);
      const resource = context.client().resource(info);
      let current: KubeObject;
      try {
        current = await resource.get(namespace, name);
      } catch (error) {
        if (!(error instanceof ServerError && error.status === 404)) throw error;
        await resource.create(namespace, modified, { strict: true });
        return 'created';
      }
      const currentAnnotations = current.metadata?.annotations ?? {};
      const original = currentAnnotations[lastApplied] ? (JSON.parse(currentAnnotations[lastApplied]) as Record<string, unknown>) : undefined;
      const patch = threeWayMergePatch(original, modified, current);
      if (Object.keys(patch).length === 0) return 'unchanged';
      await resource.patch(namespace, name, patch, { strict: true });
      return 'configured';
    });
  },
};

function withLastApplied(manifest: Manifest): Manifest {
  const copy = structuredClone(manifest);
  const annotations = { ...(copy.metadata.annotations as Record<string, string> | undefined) };
  delete annotations[lastApplied];
  const recorded = { ...copy, metadata: { ...copy.metadata, annotations } };
  copy.metadata.annotations = { ...annotations, [lastApplied]: JSON.stringify(recorded) + '\n' };
  return copy;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What to send so the live object gets `modified`, dropping only fields `original` had set. */
export function threeWayMergePatch(original: unknown, modified: Record<string, unknown>, current: unknown): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const o = isObject(original) ? original : {};
  const c = isObject(current) ? current : {};
  for (const key of Object.keys(o)) if (!(key in modified) && key in c) patch[key] = null;
  for (const [key, value] of Object.entries(modified)) {
    if (isObject(value) && isObject(c[key])) {
      const nested = threeWayMergePatch(o[key], value, c[key]);
      if (Object.keys(nested).length > 0) patch[key] = nested;
    } else if (!coveredBy(value, c[key])) patch[key] = value;
  }
  return patch;
}

/** Whether `live` already has everything `wanted` says; fields the server defaulted do not count as changes. */
function coveredBy(wanted: unknown, live: unknown): boolean {
  if (Array.isArray(wanted)) return Array.isArray(live) && wanted.length === live.length && wanted.every((item, i) => coveredBy(item, live[i]));
  if (isObject(wanted)) return isObject(live) && Object.entries(wanted).every(([k, v]) => coveredBy(v, live[k]));
  return isDeepStrictEqual(wanted, live);
}
