// JSON patch (RFC 6902) within the body limits. Only `copy` can make a document grow faster than
// the patch's own bytes (each copy can double it), so copies share one byte budget and the patch
// stops as soon as they pass it, long before the document could take the process's memory.
import { AppError } from '../errors.ts';
import { isPlainObject } from '../kube/object.ts';
import { measureJson } from '../lib/json-shape.ts';
import { shapeError, type BodyLimits } from './body-limits.ts';
import { setOwnField } from './own-fields.ts';

export type JsonPatchLimits = Pick<BodyLimits, 'maxBytes' | 'maxPatchOperations' | 'maxDepth' | 'maxValues'>;

export function jsonPatch(target: unknown, operations: unknown, limits: JsonPatchLimits): unknown {
  if (!Array.isArray(operations)) throw new AppError('BadRequest', 'a JSON patch must be a list of operations');
  if (operations.length > limits.maxPatchOperations) {
    throw new AppError('TooLarge', `a JSON patch may have at most ${limits.maxPatchOperations} operations; this one has ${operations.length}`);
  }
  let copyBudget = limits.maxBytes;
  let document = structuredClone(target);
  for (const operation of operations) {
    if (!isPlainObject(operation) || typeof operation.op !== 'string' || typeof operation.path !== 'string') {
      throw new AppError('BadRequest', 'each JSON patch operation needs "op" and "path"');
    }
    const path = parsePointer(operation.path);
    if (['add', 'replace', 'test'].includes(operation.op) && !Object.hasOwn(operation, 'value'))
      throw new AppError('BadRequest', `"${operation.op}" needs "value"`);
    switch (operation.op) {
      case 'add':
        document = setAt(document, path, structuredClone(operation.value), 'add');
        break;
      case 'replace':
        getAt(document, path);
        document = setAt(document, path, structuredClone(operation.value), 'replace');
        break;
      case 'remove':
        getAt(document, path);
        document = removeAt(document, path);
        break;
      case 'test':
        if (!isJsonEqual(getAt(document, path), operation.value)) throw new AppError('Invalid', `testing value at ${operation.path.slice(0, 200)} failed`);
        break;
      case 'move':
      case 'copy': {
        if (typeof operation.from !== 'string') throw new AppError('BadRequest', `"${operation.op}" needs "from"`);
        const from = parsePointer(operation.from);
        const found = getAt(document, from);
        if (operation.op === 'copy') {
          // Measured before cloning, and only up to what is left of the budget.
          const size = measureJson(found, { maxDepth: Infinity, maxValues: Infinity, maxBytes: copyBudget });
          if (size.exceeded) throw shapeError('bytes', limits, 'the patched object');
          copyBudget -= size.bytes;
        } else document = removeAt(document, from);
        document = setAt(document, path, operation.op === 'copy' ? structuredClone(found) : found, 'add');
        break;
      }
      default:
        throw new AppError('BadRequest', `unknown JSON patch operation "${operation.op.slice(0, 50)}"`);
    }
  }
  return document;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new AppError('BadRequest', `invalid JSON pointer "${pointer.slice(0, 200)}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const arrayIndex = /^(0|[1-9]\d*)$/;

function getAt(document: unknown, path: string[]): unknown {
  let node = document;
  for (const part of path) {
    if (Array.isArray(node) && arrayIndex.test(part) && Number(part) < node.length) node = node[Number(part)];
    else if (isPlainObject(node) && Object.hasOwn(node, part)) node = node[part];
    else throw new AppError('Invalid', `the path "/${path.join('/').slice(0, 200)}" does not exist`);
  }
  return node;
}

function setAt(document: unknown, path: string[], value: unknown, mode: 'add' | 'replace'): unknown {
  if (path.length === 0) return value;
  const parent = getAt(document, path.slice(0, -1));
  const last = path.at(-1)!;
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : arrayIndex.test(last) ? Number(last) : NaN;
    if (!Number.isInteger(index) || index > parent.length) throw new AppError('Invalid', `array index "${last.slice(0, 50)}" is out of range`);
    if (mode === 'add') parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (isPlainObject(parent)) setOwnField(parent, last, value);
  else throw new AppError('Invalid', `cannot set "${last.slice(0, 50)}" inside a scalar`);
  return document;
}

function removeAt(document: unknown, path: string[]): unknown {
  if (path.length === 0) throw new AppError('Invalid', 'cannot remove the whole object');
  const parent = getAt(document, path.slice(0, -1));
  const last = path.at(-1)!;
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (isPlainObject(parent)) delete parent[last];
  return document;
}

/**
 * RFC 6902 equality (members in any order). It walks `expected`, which comes from the patch body,
 * and never more of `actual` than that, so a test costs no more than its own bytes.
 */
function isJsonEqual(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((item, i) => isJsonEqual(actual[i], item));
  if (!isPlainObject(expected)) return actual === expected;
  if (!isPlainObject(actual)) return false;
  const keys = Object.keys(expected);
  let count = 0;
  for (const key in actual) {
    if (Object.hasOwn(actual, key) && ++count > keys.length) return false;
  }
  return count === keys.length && keys.every((key) => Object.hasOwn(actual, key) && isJsonEqual(actual[key], expected[key]));
}
