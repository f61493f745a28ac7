// The limits on what one API request may make the server hold or compute, beyond the byte limit of
// its body, and the errors that name the limit passed. Every parsed body and every object a patch
// produces is held to them, so no single request can stall the event loop or grow past the body
// limit once inside. Kubernetes' numbers where it has them (3 MiB bodies); the rest chosen here.
import { AppError } from '../errors.ts';
import { measureJson, type JsonLimit } from '../lib/json-shape.ts';

export interface BodyLimits {
  /** Bytes of a request body, and of the JSON of an object a patch produces. */
  readonly maxBytes: number;
  /** Nesting of objects and arrays. */
  readonly maxDepth: number;
  /** Values (objects, arrays, scalars) in one body or patched object. */
  readonly maxValues: number;
  /** Alias nodes (`*name`) in one YAML body. */
  readonly maxYamlAliases: number;
  /** Operations in one JSON patch. */
  readonly maxPatchOperations: number;
  /** Time one YAML body may take to parse, off the event loop. */
  readonly yamlParseTimeoutMs: number;
}

/**
 * Depth 100: built-in objects nest about 10 levels (a Deployment's env valueFrom secretKeyRef is 9),
 * and at 100 every recursive step after parsing (clone, compare, patch, validate) stays far from
 * the stack limit. 200,000 values: a real 3 MiB object (tag histories, data keys) holds fewer,
 * while a body of a million empty objects would cost seconds of cloning and comparing. 100 aliases:
 * the yaml package's own expansion bound; manifests rarely use any. 1,000 patch operations: kubectl
 * sends a handful, and each operation may move through a list of up to the value limit. 5 s of
 * YAML parsing: a 3 MiB block of 150,000 keys takes about 3 s on one core.
 */
export function bodyLimits(maxBytes: number): BodyLimits {
  return { maxBytes, maxDepth: 100, maxValues: 200_000, maxYamlAliases: 100, maxPatchOperations: 1000, yamlParseTimeoutMs: 5000 };
}

/** The limits every parsed value is measured against. */
export type ShapeLimits = Pick<BodyLimits, 'maxBytes' | 'maxDepth' | 'maxValues'>;

/** What a measured value is, for the error message. */
export type Measured = 'the request body' | 'the patched object';

/** Throws the error for the first limit `value` passes. */
export function checkBodyShape(value: unknown, limits: ShapeLimits, what: Measured): void {
  const exceeded = measureJson(value, limits).exceeded;
  if (exceeded) throw shapeError(exceeded, limits, what);
}

export function shapeError(exceeded: JsonLimit, limits: ShapeLimits, what: Measured): AppError {
  // A request body is refused as malformed (400); a patch that would build such an object is a
  // valid request for an invalid result (422), as Kubernetes answers patches it cannot apply.
  if (exceeded === 'depth')
    return new AppError(what === 'the request body' ? 'BadRequest' : 'Invalid', `${what} nests objects and arrays deeper than ${limits.maxDepth} levels`);
  if (exceeded === 'values') return new AppError('TooLarge', `${what} holds more than ${limits.maxValues} values`);
  return new AppError('TooLarge', `${what} is larger than the limit of ${limits.maxBytes} bytes`);
}
