// Reads one YAML request body into a JSON value within the body limits: one document, at most so
// many aliases, nesting and values, unique keys, and a result no larger than the body limit. It is
// synchronous and can be slow on hostile text, so the server runs it in a worker thread only
// (yaml-body-parser.ts); it must never be called on the event loop for a request.
import YAML, { isAlias, isMap, isPair, isScalar, isSeq, LineCounter } from 'yaml';
import { AppError } from '../errors.ts';
import { checkBodyShape, shapeError, type BodyLimits } from './body-limits.ts';

export function parseYamlBody(text: string, limits: BodyLimits): unknown {
  if (text.trim() === '') throw new AppError('BadRequest', 'the request body is empty');
  const lines = new LineCounter();
  // The yaml package's own duplicate-key check compares every key with every other (quadratic);
  // keys are checked below in one pass instead.
  const documents = YAML.parseAllDocuments(text, { prettyErrors: true, uniqueKeys: false, lineCounter: lines });
  const list = Array.isArray(documents) ? documents : [documents];
  const problem = list.flatMap((d) => d.errors)[0];
  if (problem) {
    const where = problem.linePos?.[0] ? ` at line ${problem.linePos[0].line}, column ${problem.linePos[0].col}` : '';
    throw new AppError('BadRequest', `the request body is not valid YAML${where}: ${problem.message.split('\n')[0]}`);
  }
  if (list.length !== 1) throw new AppError('BadRequest', 'the request body must hold exactly one YAML document');
  checkNodes(list[0].contents, limits, (offset) => {
    const { line, col } = lines.linePos(offset);
    return `line ${line}, column ${col}`;
  });
  let value: unknown;
  try {
    value = list[0].toJS({ maxAliasCount: limits.maxYamlAliases });
  } catch (error) {
    if (error instanceof ReferenceError) throw new AppError('BadRequest', `the request body's YAML aliases expand too much: ${error.message}`);
    throw error;
  }
  checkBodyShape(value, limits, 'the request body');
  return value;
}

/** Depth, values, aliases and duplicate keys of the document's nodes, in one walk without recursion. */
function checkNodes(root: unknown, limits: BodyLimits, position: (offset: number) => string): void {
  let values = 0;
  let aliases = 0;
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || node === undefined) continue;
    values += 1;
    if (values > limits.maxValues) throw shapeError('values', limits, 'the request body');
    if (isAlias(node)) {
      aliases += 1;
      if (aliases > limits.maxYamlAliases) throw new AppError('BadRequest', `the request body uses more than ${limits.maxYamlAliases} YAML aliases`);
      continue;
    }
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth + 1 > limits.maxDepth) throw shapeError('depth', limits, 'the request body');
    const keys = new Set<string>();
    for (const item of node.items) {
      if (!isPair(item)) {
        stack.push([item, depth + 1]);
        continue;
      }
      if (isScalar(item.key)) {
        const key = String(item.key.value);
        if (keys.has(key))
          throw new AppError('BadRequest', `the request body is not valid YAML at ${position(item.key.range?.[0] ?? 0)}: duplicate key "${key.slice(0, 100)}"`);
        keys.add(key);
      } else stack.push([item.key, depth + 1]);
      stack.push([item.value, depth + 1]);
    }
  }
}
