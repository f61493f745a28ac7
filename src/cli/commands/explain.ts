// `ims explain KIND[.FIELD...]`: the documentation of a kind or one of its fields, read from the
// server's OpenAPI v3 documents, in kubectl explain's layout (GROUP, KIND, VERSION, FIELD,
// DESCRIPTION, FIELDS).
import type { Command } from '../command.ts';
import type { OpenApiDocument, OpenApiSchema } from '../api-client.ts';
import type { ResourceInfo } from '../resource-resolver.ts';
import { CliError } from '../cli-error.ts';

/** The schema `$ref`, `allOf: [{$ref}]` or the schema itself stands for. */
function deref(schema: OpenApiSchema, document: OpenApiDocument): OpenApiSchema {
  const ref = schema.$ref ?? (schema.allOf?.length === 1 ? schema.allOf[0].$ref : undefined);
  if (!ref) return schema;
  const target = document.components?.schemas?.[ref.replace('#/components/schemas/', '')];
  return target ? { ...target, description: schema.description ?? target.description } : schema;
}

/**
 * How deep arrays of arrays and maps of maps are followed: a server's schema may refer to itself
 * (JSONSchemaProps does), and a document that nests without end must not take the CLI down.
 */
const maxNesting = 32;

/** `<string>`, `<[]Object>`, `<map[string]string>`, `<DeploymentSpec>`: a field's type as kubectl prints it. */
export function typeName(schema: OpenApiSchema, document: OpenApiDocument, depth = 0): string {
  const ref = schema.$ref ?? (schema.allOf?.length === 1 ? schema.allOf[0].$ref : undefined);
  if (ref) return ref.split('.').pop()!;
  const resolved = deref(schema, document);
  if (depth > maxNesting) return 'Object';
  if (resolved.type === 'array' && resolved.items) return `[]${typeName(resolved.items, document, depth + 1)}`;
  if (resolved.type === 'object' && typeof resolved.additionalProperties === 'object' && !resolved.properties)
    return `map[string]${typeName(resolved.additionalProperties, document, depth + 1)}`;
  if (resolved.type === 'object' || resolved.properties || !resolved.type) return 'Object';
  return resolved.type;
}

/** The schema of the object a field holds: an array's item, a map's value, or the field's own. */
function fieldsOf(schema: OpenApiSchema, document: OpenApiDocument, depth = 0): OpenApiSchema {
  const resolved = deref(schema, document);
  if (depth > maxNesting) return resolved;
  if (resolved.type === 'array' && resolved.items) return fieldsOf(resolved.items, document, depth + 1);
  if (!resolved.properties && typeof resolved.additionalProperties === 'object') return fieldsOf(resolved.additionalProperties, document, depth + 1);
  return resolved;
}

function wrap(text: string, indent: number, width = 80): string {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && indent + line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  return lines.map((l) => (l ? ' '.repeat(indent) + l : '')).join('\n');
}

function fieldLines(schema: OpenApiSchema, document: OpenApiDocument, recursive: boolean, depth: number, seen: ReadonlySet<object>): string[] {
  const holder = fieldsOf(schema, document);
  const properties = holder.properties ?? {};
  // deref copies a schema it resolves, so a schema met again is known by its properties, which the copies share.
  if (seen.has(properties)) return [];
  const lines: string[] = [];
  for (const name of Object.keys(properties).sort()) {
    const field = properties[name];
    const required = holder.required?.includes(name) ? ' -required-' : '';
    lines.push(`${'  '.repeat(depth + 1)}${name}\t<${typeName(field, document)}>${required}`);
    if (recursive) lines.push(...fieldLines(field, document, true, depth + 1, new Set([...seen, properties])));
    else {
      const description = deref(field, document).description;
      lines.push(description ? wrap(description, 4) : '    <no description>', '');
    }
  }
  return lines;
}

export function renderExplanation(
  info: Pick<ResourceInfo, 'group' | 'version' | 'kind'>,
  root: OpenApiSchema,
  document: OpenApiDocument,
  fieldPath: readonly string[],
  recursive: boolean,
): string {
  let schema = root;
  for (const [i, name] of fieldPath.entries()) {
    const next = fieldsOf(schema, document).properties?.[name];
    if (!next) throw new CliError(`field "${name}" does not exist${i > 0 ? ` in ${fieldPath.slice(0, i).join('.')}` : ''}`);
    schema = next;
  }
  const header = `${info.group ? `GROUP:      ${info.group}\n` : ''}KIND:       ${info.kind}\nVERSION:    ${info.version}\n\n`;
  const field = fieldPath.length ? `FIELD: ${fieldPath.at(-1)} <${typeName(schema, document)}>\n\n` : '';
  const description = deref(schema, document).description;
  const fields = fieldLines(schema, document, recursive, 0, new Set());
  return (
    header +
    field +
    `DESCRIPTION:\n${description ? wrap(description, 4) : '    <empty>'}\n` +
    (fields.length ? `\nFIELDS:\n${fields.join('\n').replace(/\n+$/, '')}\n` : '') +
    '\n'
  );
}

export const explain: Command = {
  path: 'explain',
  summary: 'Describe the fields of a kind, from the server',
  usage: 'ims explain KIND[.FIELD...] [--recursive]',
  examples: `  # What an image stream is made of
  ims explain is

  # What a tag of an image stream's spec holds
  ims explain is.spec.tags

  # Every field of an image stream tag, as a tree
  ims explain istag --recursive`,
  flags: [
    { name: 'recursive', type: 'bool', help: 'print every field below, as a tree, without descriptions' },
    { name: 'api-version', type: 'string', help: 'the group version to explain, e.g. apps/v1', placeholder: 'GROUP/VERSION' },
  ],
  async run(context) {
    const [typed, ...more] = context.args.positionals;
    if (!typed || more.length)
      throw new CliError('You must specify the type of resource to explain. Use "ims api-resources" for a complete list of supported resources.');
    const [kindWord, ...fields] = typed.split('.');
    const resolver = await context.resolver();
    const apiVersion = context.args.strings.get('api-version');
    const info = apiVersion ? await resolver.byKind(apiVersion, (await resolver.resolve(kindWord)).kind) : await resolver.resolve(kindWord);
    const document = await context.client().openApiDocument(info.group, info.version);
    if (!document) throw new CliError(`the server has no OpenAPI document for ${info.group || 'core'}/${info.version}`);
    const root = Object.values(document.components?.schemas ?? {}).find((s) =>
      s['x-kubernetes-group-version-kind']?.some((g) => g.group === info.group && g.version === info.version && g.kind === info.kind),
    );
    if (!root) throw new CliError(`the server has no schema for ${info.kind}`);
    context.out(renderExplanation(info, root, document, fields, context.args.bools.get('recursive') ?? false));
  },
};
