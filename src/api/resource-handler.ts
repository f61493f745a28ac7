// Serves one resource request once it is authenticated and authorized: picks the storage, reads
// the body, applies the verb, and shapes the answer (object, list, Table or watch stream).
import type { KubeObject } from '../kube/object.ts';
import type { ResourceCatalogue, ResourceDefinition } from './resource-definition.ts';
import type { ListQuery, RequestContext, RestStorage, WriteOptions } from './rest-storage.ts';
import type { ResourceRequestInfo } from './request-info.ts';
import type { Clock } from '../lib/clock.ts';
import { AppError, isAppError } from '../errors.ts';
import { apiVersionOfDefinition } from './resource-definition.ts';
import { StoredResource } from './stored-resource.ts';
import { parseLabelSelector } from '../kube/labels.ts';
import { isPlainObject } from '../kube/object.ts';
import { parseBody, parseObjectBody, wantsTable, type BodyReading } from './negotiation.ts';
import { applyPatch, patchTypeOf } from './patch.ts';
import { dropUnknownFields, fieldValidationOf } from './field-validation.ts';
import { checkObjectTypes } from './object-types.ts';
import { checkFieldTypes } from './field-types.ts';
import type { BodyLimits } from './body-limits.ts';
import type { YamlBodyParser } from './yaml-body-parser.ts';
import { jsonResponse } from './http-responses.ts';
import { toTable, tableRow } from './table.ts';
import { watchResponse } from './watch-stream.ts';
import { readBodyWithLimit } from './read-body.ts';

export interface ResourceHandlerDeps {
  readonly catalogue: ResourceCatalogue;
  readonly clock: Clock;
  readonly limits: BodyLimits;
  readonly yaml: Pick<YamlBodyParser, 'parse'>;
  readonly onWatchError?: (error: unknown) => void;
}

const notServed = () => new AppError('NotFound', 'the server could not find the requested resource');
const maxPatchRetries = 5;

export async function handleResourceRequest(
  deps: ResourceHandlerDeps,
  request: Request,
  url: URL,
  info: ResourceRequestInfo,
  definition: ResourceDefinition,
  context: RequestContext,
): Promise<Response> {
  const storage = storageFor(deps.catalogue, definition, info.subresource);
  const params = url.searchParams;
  const reading: BodyReading = { limits: deps.limits, yaml: deps.yaml, signal: request.signal };
  const dryRun = dryRunOf(params.getAll('dryRun'));
  const verb = info.verb;

  if (verb === 'get') return answerObject(deps, request, definition, await call(storage, 'get', 'get')(context, info.name!));
  if (verb === 'list') {
    const list = await call(storage, 'list', 'list')(context, listQuery(params));
    if (wantsTable(request.headers.get('accept')))
      return jsonResponse(toTable(definition, list.items, list.metadata as Record<string, unknown>, deps.clock.now()));
    return jsonResponse(list);
  }
  if (verb === 'watch') {
    const stop = new AbortController();
    const query = { ...listQuery(params), resourceVersion: params.get('resourceVersion') ?? undefined };
    if (info.name) Object.assign(query, { fieldName: info.name });
    const timeoutSeconds = watchTimeoutSeconds(params.get('timeoutSeconds'));
    const events = await call(storage, 'watch', 'watch')({ ...context, signal: stop.signal }, query);
    const table = wantsTable(request.headers.get('accept'));
    return watchResponse(events, stop, {
      timeoutMs: timeoutSeconds * 1000,
      signal: request.signal,
      onError: deps.onWatchError,
      render: table
        ? (event, first) =>
            event.type === 'ERROR'
              ? event.object
              : { ...toTable(definition, [], {}, deps.clock.now(), first), rows: [tableRow(definition, event.object, deps.clock.now())] }
        : undefined,
    });
  }
  if (verb === 'deletecollection') {
    const list = await call(storage, 'list', 'deletecollection')(context, listQuery(params));
    const remove = call(storage, 'delete', 'deletecollection');
    for (const item of list.items) await remove(context, item.metadata!.name!, { dryRun });
    return jsonResponse(list);
  }

  const warnings: string[] = [];
  // Admission hooks may warn too (e.g. a trigger that is not followed); kubectl shows them as `Warning:` lines.
  context = { ...context, warn: (message) => warnings.push(message) };
  if (verb === 'delete') {
    const options = await deleteOptions(request, deps, reading);
    const deleted = await call(storage, 'delete', 'delete')(context, info.name!, {
      dryRun: dryRun || options.dryRun,
      preconditionResourceVersion: options.resourceVersion,
      preconditionUid: options.uid,
    });
    return jsonResponse(deleted);
  }

  const fieldValidation = fieldValidationOf(params.get('fieldValidation'));
  const bytes = await readBodyWithLimit(request, deps.limits.maxBytes);
  if (verb === 'patch') {
    const type = patchTypeOf(request.headers.get('content-type'));
    const patch = await parseBody(bytes, 'json', reading);
    const read = call(storage, 'get', 'patch');
    const write = writerFor(storage, info.subresource);
    for (let attempt = 0; ; attempt++) {
      const current = await read(context, info.name!);
      const patched = applyPatch(current, patch, type, deps.limits);
      if (!isPlainObject(patched)) throw new AppError('BadRequest', 'the patch must leave an object');
      const body = patched as KubeObject;
      checkObjectTypes(body);
      if (!info.subresource || info.subresource === 'status') checkFieldTypes(definition, body);
      warnings.length = 0;
      dropUnknownFields(definition, body, fieldValidation, warnings, current);
      const explicitVersion = isPlainObject(patch) && isPlainObject(patch.metadata) && typeof patch.metadata.resourceVersion === 'string';
      if (!explicitVersion) body.metadata = { ...body.metadata, resourceVersion: current.metadata?.resourceVersion };
      try {
        return answerObject(deps, request, definition, await write(context, info.name!, body, { dryRun }), 200, warnings);
      } catch (error) {
        if (!isAppError(error, 'Conflict') || explicitVersion || attempt >= maxPatchRetries) throw error;
      }
    }
  }

  const body = await parseObjectBody(bytes, request.headers.get('content-type'), reading);
  checkObjectTypes(body);
  if (!info.subresource || info.subresource === 'status') {
    checkTypeMeta(definition, body);
    checkFieldTypes(definition, body);
    checkNamespace(body, context.namespace, definition);
    dropUnknownFields(definition, body, fieldValidation, warnings);
  }
  if (verb === 'create') {
    const target = info.subresource ? { ...body, metadata: { ...body.metadata, name: info.name } } : body;
    const created = await call(storage, 'create', 'create')(context, target, { dryRun });
    return answerObject(deps, request, definition, created, 201, warnings);
  }
  if (verb === 'update')
    return answerObject(deps, request, definition, await writerFor(storage, info.subresource)(context, info.name!, body, { dryRun }), 200, warnings);
  throw new AppError('MethodNotAllowed', `the server does not allow this method on the requested resource`);
}

function storageFor(catalogue: ResourceCatalogue, definition: ResourceDefinition, subresource: string | undefined): RestStorage {
  if (!subresource || (subresource === 'status' && definition.hasStatus)) return catalogue.storageFor(definition);
  const storage = catalogue.subresourceStorageFor(definition, subresource);
  if (!storage) throw notServed();
  return storage;
}

function writerFor(storage: RestStorage, subresource: string | undefined) {
  if (subresource === 'status') {
    if (!(storage instanceof StoredResource)) throw notServed();
    return (context: RequestContext, name: string, body: KubeObject, options: WriteOptions) =>
      storage.updateStatus(context, name, body, { ...options, fromClient: true });
  }
  return call(storage, 'update', 'update');
}

function call<K extends keyof RestStorage>(storage: RestStorage, method: K, verb: string): NonNullable<RestStorage[K]> {
  const implementation = storage[method];
  if (!implementation) throw new AppError('MethodNotAllowed', `the server does not allow the "${verb}" verb on this resource`);
  return (implementation as (...args: unknown[]) => unknown).bind(storage) as NonNullable<RestStorage[K]>;
}

function answerObject(
  deps: ResourceHandlerDeps,
  request: Request,
  definition: ResourceDefinition,
  object: KubeObject,
  status = 200,
  warnings: string[] = [],
): Response {
  const headers: Record<string, string> = {};
  if (warnings.length > 0) headers.warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
  if (wantsTable(request.headers.get('accept')) && object.kind === definition.kind) {
    return jsonResponse({ ...toTable(definition, [object], { resourceVersion: object.metadata?.resourceVersion }, deps.clock.now()) }, status, headers);
  }
  return jsonResponse(object, status, headers);
}

function listQuery(params: URLSearchParams): ListQuery {
  const label = params.get('labelSelector');
  const field = params.get('fieldSelector');
  let fieldName: string | undefined;
  let fieldNamespace: string | undefined;
  for (const part of (field ?? '').split(',').filter(Boolean)) {
    const match = /^(metadata\.name|metadata\.namespace)(==?)(.*)$/.exec(part.trim());
    if (!match) throw new AppError('BadRequest', `field label not supported: ${part.split(/[!=]/)[0]}`);
    if (match[1] === 'metadata.name') fieldName = match[3];
    else fieldNamespace = match[3];
  }
  const limit = params.get('limit');
  if (limit !== null && !/^\d+$/.test(limit)) throw new AppError('BadRequest', `invalid limit "${limit}"`);
  return {
    labelSelector: label ? parseLabelSelector(label) : undefined,
    fieldName,
    fieldNamespace,
    limit: limit ? Number(limit) : undefined,
    continue: params.get('continue') ?? undefined,
  };
}

/** `dryRun=All` is the one value Kubernetes defines; any other is refused rather than taken for a real write. */
function dryRunOf(values: readonly string[]): boolean {
  const unknown = values.find((value) => value !== 'All');
  if (unknown !== undefined) throw new AppError('BadRequest', `dryRun may only be All, not "${unknown.slice(0, 50)}"`);
  return values.length > 0;
}

/** A watch ends after `timeoutSeconds` (30 minutes unless asked), at most an hour, at least a second. */
function watchTimeoutSeconds(value: string | null): number {
  if (value === null) return 1800;
  if (!/^\d{1,10}$/.test(value)) throw new AppError('BadRequest', `invalid timeoutSeconds "${value.slice(0, 50)}": it must be a whole number of seconds`);
  return Math.min(Math.max(Number(value), 1), 3600);
}

function checkTypeMeta(definition: ResourceDefinition, body: KubeObject): void {
  const expected = apiVersionOfDefinition(definition);
  if (body.apiVersion !== undefined && body.apiVersion !== expected) {
    throw new AppError('BadRequest', `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (body.kind !== undefined && body.kind !== definition.kind) {
    throw new AppError('BadRequest', `the kind in the data (${String(body.kind)}) does not match the expected kind (${definition.kind})`);
  }
}

function checkNamespace(body: KubeObject, namespace: string | undefined, definition: ResourceDefinition): void {
  const given = body.metadata?.namespace;
  if (definition.namespaced && given && namespace && given !== namespace) {
    throw new AppError('BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
  }
}

async function deleteOptions(
  request: Request,
  deps: ResourceHandlerDeps,
  reading: BodyReading,
): Promise<{ dryRun: boolean; resourceVersion?: string; uid?: string }> {
  const bytes = await readBodyWithLimit(request, deps.limits.maxBytes);
  if (bytes.byteLength === 0) return { dryRun: false };
  const body = await parseObjectBody(bytes, request.headers.get('content-type'), reading);
  const preconditions = isPlainObject(body.preconditions) ? body.preconditions : {};
  return {
    dryRun: Array.isArray(body.dryRun) && body.dryRun.includes('All'),
    resourceVersion: typeof preconditions.resourceVersion === 'string' ? preconditions.resourceVersion : undefined,
    uid: typeof preconditions.uid === 'string' ? preconditions.uid : undefined,
  };
}
