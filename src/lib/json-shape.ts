// Measures JSON, as text or as a parsed value, without recursion: how deep it nests, how many
// values it holds and about how many bytes it serializes to. A measure stops as soon as a limit is
// passed, so measuring costs no more than the limits allow and a hostile value cannot overflow the
// stack here. It must never allocate in proportion to what it measures beyond its own walk stack.

export interface JsonLimits {
  /** Deepest nesting of objects and arrays (a flat object is depth 1). */
  readonly maxDepth: number;
  /** Most values in total: every object, array, string, number, boolean and null. */
  readonly maxValues: number;
  /** Most bytes of the value's JSON (strings counted by UTF-16 length, which is close enough). */
  readonly maxBytes: number;
}

export type JsonLimit = 'depth' | 'values' | 'bytes';

export interface JsonMeasure {
  /** The first limit passed; the counts then stop where it was passed. */
  readonly exceeded?: JsonLimit;
  readonly depth: number;
  readonly values: number;
  readonly bytes: number;
}

/** Measures a parsed value (what JSON.parse, YAML or a patch produced). */
export function measureJson(value: unknown, limits: JsonLimits): JsonMeasure {
  let depth = 0;
  let values = 0;
  let bytes = 0;
  // Two parallel stacks instead of a stack of pairs: this walk runs over every body the API reads.
  const nodes: unknown[] = [value];
  const levels: number[] = [0];
  while (nodes.length > 0) {
    const node = nodes.pop();
    const level = levels.pop()!;
    values += 1;
    if (values > limits.maxValues) return { exceeded: 'values', depth, values, bytes };
    if (typeof node === 'object' && node !== null) {
      const inner = level + 1;
      if (inner > depth) depth = inner;
      if (depth > limits.maxDepth) return { exceeded: 'depth', depth, values, bytes };
      if (Array.isArray(node)) {
        bytes += node.length === 0 ? 2 : node.length + 1;
        for (let i = node.length - 1; i >= 0; i--) {
          nodes.push(node[i]);
          levels.push(inner);
        }
      } else {
        let members = 0;
        for (const key of Object.keys(node)) {
          const child = (node as Record<string, unknown>)[key];
          if (child === undefined) continue;
          members += 1;
          bytes += key.length + 3;
          nodes.push(child);
          levels.push(inner);
        }
        bytes += members === 0 ? 2 : members + 1;
      }
    } else bytes += scalarBytes(node);
    if (bytes > limits.maxBytes) return { exceeded: 'bytes', depth, values, bytes };
  }
  return { depth, values, bytes };
}

function scalarBytes(value: unknown): number {
  if (typeof value === 'string') return value.length + 2;
  if (typeof value === 'number') return String(value).length;
  if (typeof value === 'boolean') return value ? 4 : 5;
  return 4;
}

/**
 * Measures JSON text before it is parsed: depth and values (bytes are the text's own length).
 * Exact for valid JSON; on invalid text it stays safe and JSON.parse reports the syntax error.
 */
export function measureJsonText(text: string, limits: Pick<JsonLimits, 'maxDepth' | 'maxValues'>): Omit<JsonMeasure, 'bytes'> {
  const containers: number[] = [];
  let depth = 0;
  let values = 0;
  let inString = false;
  let inScalar = false;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === backslash) i += 1;
      else if (c === quote) inString = false;
      continue;
    }
    if (c === space || c === tab || c === newline || c === carriageReturn) {
      inScalar = false;
      continue;
    }
    if (c === comma || c === colon || c === closeBrace || c === closeBracket) {
      inScalar = false;
      if (c === comma) expectKey = containers.at(-1) === openBrace;
      else if (c === colon) expectKey = false;
      else {
        containers.pop();
        expectKey = false;
      }
      continue;
    }
    if (inScalar) continue;
    if (c === quote) {
      inString = true;
      if (expectKey) {
        expectKey = false;
        continue;
      }
    } else if (c === openBrace || c === openBracket) {
      containers.push(c);
      if (containers.length > depth) depth = containers.length;
      if (depth > limits.maxDepth) return { exceeded: 'depth', depth, values };
      expectKey = c === openBrace;
    } else inScalar = true;
    values += 1;
    if (values > limits.maxValues) return { exceeded: 'values', depth, values };
  }
  return { depth, values };
}

const quote = 0x22;
const backslash = 0x5c;
const comma = 0x2c;
const colon = 0x3a;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const space = 0x20;
const tab = 0x09;
const newline = 0x0a;
const carriageReturn = 0x0d;
