// The RFC 6902 JSON Patch that turns one JSON value into another, as an admission webhook answers
// with: objects are compared key by key, arrays of equal length element by element (so a changed
// container image is one `replace`), anything else is replaced whole.

export interface JsonPatchOperation {
  readonly op: 'add' | 'remove' | 'replace';
  readonly path: string;
  readonly value?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 6901: `~` and `/` in a key are escaped. */
const pointerStep = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

export function jsonPatchBetween(before: unknown, after: unknown, path = ''): JsonPatchOperation[] {
  if (isObject(before) && isObject(after)) {
    const operations: JsonPatchOperation[] = [];
    for (const key of Object.keys(before)) if (!Object.hasOwn(after, key)) operations.push({ op: 'remove', path: `${path}/${pointerStep(key)}` });
    for (const [key, value] of Object.entries(after)) {
      const at = `${path}/${pointerStep(key)}`;
      if (!Object.hasOwn(before, key)) operations.push({ op: 'add', path: at, value });
      else operations.push(...jsonPatchBetween(before[key], value, at));
    }
    return operations;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length)
    return before.flatMap((element, index) => jsonPatchBetween(element, after[index], `${path}/${index}`));
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ op: 'replace', path, value: after }];
}
