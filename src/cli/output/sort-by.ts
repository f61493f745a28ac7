// `--sort-by=.metadata.creationTimestamp`: orders objects by the value a JSONPath selects, as
// kubectl does: numbers as numbers, times as times, the rest as text; objects without it first.
import { CliError } from '../cli-error.ts';
import { evaluate } from './jsonpath.ts';
import { bareJsonPath } from './custom-columns.ts';

type Key = { readonly kind: 'none' } | { readonly kind: 'number'; readonly value: number } | { readonly kind: 'text'; readonly value: string };

function keyOf(object: unknown, path: string): Key {
  const [value] = evaluate(path, object);
  if (value === undefined || value === null) return { kind: 'none' };
  if (typeof value === 'number') return { kind: 'number', value };
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) && !Number.isNaN(Date.parse(value))) return { kind: 'number', value: Date.parse(value) };
  return { kind: 'text', value: typeof value === 'string' ? value : JSON.stringify(value) };
}

function compare(a: Key, b: Key): number {
  if (a.kind === 'none' || b.kind === 'none') return (a.kind === 'none' ? 0 : 1) - (b.kind === 'none' ? 0 : 1);
  if (a.kind === 'number' && b.kind === 'number') return a.value - b.value;
  return String(a.value) < String(b.value) ? -1 : String(a.value) > String(b.value) ? 1 : 0;
}

/** `items` in the order of `expression`'s value in what `objectOf` gives for each (a stable sort). */
export function sortByJsonPath<T>(items: readonly T[], expression: string, objectOf: (item: T) => unknown): T[] {
  const path = bareJsonPath(expression);
  const keyed = items.map((item) => ({ item, key: keyOf(objectOf(item), path) }));
  if (keyed.length > 0 && keyed.every((k) => k.key.kind === 'none')) throw new CliError(`couldn't find any field with path "{${path}}" in the list of objects`);
  return keyed.sort((a, b) => compare(a.key, b.key)).map((k) => k.item);
}
