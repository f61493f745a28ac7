// kubectl's JSONPath templates (`-o jsonpath=...`): `{.a.b}`, `{.items[*].metadata.name}`,
// `{.list[0]}`, filters `[?(@.name=="x")]`, `{range ...}{end}`, quoted literals like `{"\n"}` and
// keys with dots escaped (`{.metadata.annotations.openshift\.io/image\.insecureRepository}`).
import { CliError } from '../cli-error.ts';

type Node = { kind: 'text'; text: string } | { kind: 'path'; path: string } | { kind: 'range'; path: string; body: Node[] };

export function renderJsonPath(template: string, data: unknown): string {
  const nodes = parse(tokenize(template));
  return renderNodes(nodes, data);
}

function tokenize(template: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      tokens.push(template.slice(i));
      break;
    }
    if (open > i) tokens.push(template.slice(i, open));
    let depth = 0;
    let j = open;
    let quote: string | undefined;
    for (; j < template.length; j++) {
      const c = template[j];
      if (quote) {
        if (c === '\\') j++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) break;
    }
    if (j >= template.length) throw new CliError(`error parsing jsonpath ${template}, unclosed action`);
    tokens.push(template.slice(open, j + 1));
    i = j + 1;
  }
  return tokens;
}

function parse(tokens: string[]): Node[] {
  const stack: Node[][] = [[]];
  const ranges: { path: string }[] = [];
  for (const token of tokens) {
    if (!token.startsWith('{')) {
      stack.at(-1)!.push({ kind: 'text', text: token });
      continue;
    }
    const inner = token.slice(1, -1).trim();
    if (inner.startsWith('range ')) {
      ranges.push({ path: inner.slice(6).trim() });
      stack.push([]);
    } else if (inner === 'end') {
      const body = stack.pop();
      const range = ranges.pop();
      if (!body || !range || stack.length === 0) throw new CliError('error parsing jsonpath: unexpected {end}');
      stack.at(-1)!.push({ kind: 'range', path: range.path, body });
    } else if (/^(".*"|'.*')$/s.test(inner)) {
      stack.at(-1)!.push({ kind: 'text', text: JSON.parse(inner.startsWith("'") ? `"${inner.slice(1, -1).replace(/"/g, '\\"')}"` : inner) as string });
    } else stack.at(-1)!.push({ kind: 'path', path: inner });
  }
  if (stack.length !== 1) throw new CliError('error parsing jsonpath: missing {end}');
  return stack[0];
}

function renderNodes(nodes: Node[], data: unknown): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'path') out += evaluate(node.path, data).map(format).join(' ');
    else for (const item of evaluate(node.path, data)) out += renderNodes(node.body, item);
  }
  return out;
}

function format(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}

/** Values the path selects from `data`. */
export function evaluate(path: string, data: unknown): unknown[] {
  let current: unknown[] = [data];
  let rest = path.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  if (rest === '@' || rest === '') return current;
  while (rest.length > 0) {
    if (rest.startsWith('..')) throw new CliError('recursive descent (..) is not supported in jsonpath');
    if (rest.startsWith('.')) {
      const [key, length] = fieldName(rest, 1);
      rest = rest.slice(length);
      if (key === '' || key === '*') {
        if (key === '*') current = current.flatMap((v) => (v && typeof v === 'object' ? Object.values(v) : []));
        continue;
      }
      current = current.flatMap((v) => (v && typeof v === 'object' && !Array.isArray(v) && key in v ? [(v as Record<string, unknown>)[key]] : []));
      continue;
    }
    if (rest.startsWith('[')) {
      const end = rest.indexOf(']');
      if (end < 0) throw new CliError(`error parsing jsonpath ${path}: unclosed [`);
      const selector = rest.slice(1, end).trim();
      rest = rest.slice(end + 1);
      current = current.flatMap((v) => select(v, selector));
      continue;
    }
    throw new CliError(`error parsing jsonpath ${path}: unexpected "${rest}"`);
  }
  return current;
}

/**
 * The field name that starts at `start` and its end, as kubectl reads it: up to a terminator
 * (`.`, `[`, `]`, `,`, `$`, `@`, `{`, `}` or a space), where a backslash takes the character after it
 * as it is, so `{.metadata.annotations.openshift\\.io/image\\.insecureRepository}` names one key.
 */
function fieldName(path: string, start: number): [string, number] {
  let name = '';
  let i = start;
  for (; i < path.length; i++) {
    const c = path[i];
    if (c === '\\') {
      i++;
      if (i < path.length) name += path[i];
    } else if (fieldTerminators.has(c) || /\s/.test(c)) break;
    else name += c;
  }
  return [name, i];
}

const fieldTerminators = new Set(['.', ',', '[', ']', '$', '@', '{', '}']);

function select(value: unknown, selector: string): unknown[] {
  if (selector.startsWith('?(') && selector.endsWith(')')) {
    const filter = /^@\.([\w.\\/-]+)\s*(==|!=)\s*(?:"([^"]*)"|'([^']*)'|(\S+))$/.exec(selector.slice(2, -1).trim());
    if (!filter || !Array.isArray(value)) return [];
    const [, field, op, dq, sq, bare] = filter;
    const wanted = dq ?? sq ?? bare;
    return value.filter((item) => {
      const got = evaluate(`.${field}`, item)[0];
      const equal = String(got) === wanted;
      return op === '==' ? equal : !equal;
    });
  }
  if (selector === '*') return Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value) : [];
  if (/^-?\d+$/.test(selector) && Array.isArray(value)) {
    const index = Number(selector);
    const item = value.at(index);
    return item === undefined ? [] : [item];
  }
  const slice = /^(-?\d*):(-?\d*)$/.exec(selector);
  if (slice && Array.isArray(value)) return value.slice(slice[1] ? Number(slice[1]) : 0, slice[2] ? Number(slice[2]) : undefined);
  const key = selector.replace(/^['"]|['"]$/g, '');
  return value && typeof value === 'object' && key in value ? [(value as Record<string, unknown>)[key]] : [];
}
