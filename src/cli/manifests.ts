// Objects from `-f` files: multi-document YAML or JSON, `-` for standard input, Lists expanded.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { CliError } from './cli-error.ts';
import { kinds } from '../kube/kinds.ts';

/**
 * OpenShift 3's documentation writes `apiVersion: v1` for its own kinds (ImageStream, Project…),
 * from before they had groups; `oc` maps them to their groups, and so does `ims`.
 */
const legacyGroupVersions: ReadonlyMap<string, string> = new Map(
  Object.values(kinds)
    .filter((k) => k.group.endsWith('.openshift.io'))
    .map((k) => [k.kind, `${k.group}/${k.version}`]),
);

export type Manifest = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string; [k: string]: unknown } };

/** The file (or STDIN) each manifest came from, kept beside it so that it is never sent to the server. */
const manifestSources = new WeakMap<Manifest, string>();

export function sourceOf(manifest: Manifest): string | undefined {
  return manifestSources.get(manifest);
}

export async function readManifests(files: readonly string[], stdin: () => Promise<string>): Promise<Manifest[]> {
  if (files.length === 0) throw new CliError('must specify one of -f and -k');
  const manifests: Manifest[] = [];
  for (const file of files) {
    for (const [source, text] of await sources(file, stdin)) manifests.push(...parseManifests(text, source));
  }
  return manifests;
}

async function sources(file: string, stdin: () => Promise<string>): Promise<[string, string][]> {
  if (file === '-') return [['STDIN', await stdin()]];
  let stat;
  try {
    stat = statSync(file);
  } catch {
    throw new CliError(`the path "${file}" does not exist`);
  }
  if (stat.isDirectory()) {
    return readdirSync(file)
      .filter((name) => /\.(ya?ml|json)$/.test(name))
      .sort()
      .map((name) => [join(file, name), readFileSync(join(file, name), 'utf8')] as [string, string]);
  }
  return [[file, readFileSync(file, 'utf8')]];
}

export function parseManifests(text: string, source: string): Manifest[] {
  const documents = YAML.parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [documents];
  const out: Manifest[] = [];
  for (const document of list) {
    if (document.errors.length > 0) {
      // The parser's message names the line and column and shows the line with a caret under the
      // spot: all of it, once. One without a position gets it added.
      const error = document.errors[0];
      const message = error.message.trimEnd();
      const where = error.linePos?.[0] && !/ at line \d+, column \d+/.test(message) ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
      throw new CliError(`error parsing ${source}: ${message}${where}`);
    }
    const value = document.toJS() as unknown;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new CliError(`error parsing ${source}: a document must be an object`);
    const object = value as Record<string, unknown>;
    if (object.kind === 'List' || (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items))) {
      for (const item of object.items as unknown[]) out.push(checked(item, source));
    } else out.push(checked(object, source));
  }
  return out;
}

function checked(value: unknown, source: string): Manifest {
  const object = value as Manifest;
  if (typeof object?.apiVersion !== 'string' || !object.apiVersion) throw new CliError(`error validating data from ${source}: apiVersion not set`);
  if (typeof object.kind !== 'string' || !object.kind) throw new CliError(`error validating data from ${source}: kind not set`);
  if (object.apiVersion === 'v1' && legacyGroupVersions.has(object.kind)) object.apiVersion = legacyGroupVersions.get(object.kind)!;
  object.metadata ??= {};
  manifestSources.set(object, source);
  return object;
}
