// The generic engine for stored kinds: Kubernetes metadata rules (names, uid, timestamps,
// generation, resourceVersion preconditions, status subresource) over any ResourceStore.
// Kind-specific rules come only from the ResourceDefinition's hooks. Bodies enter untyped and
// leave as T once validated; what the store holds under the kind's keys was validated before.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { KubeList, KubeObject, ObjectMeta } from '../kube/object.ts';
import type { StoredObject } from '../store/resource-store.ts';
import type { HookContext, ResourceCatalogue, ResourceDefinition, StorageDeps } from './resource-definition.ts';
import type { Kind, SubresourceTypes } from '../kube/kinds.ts';
import type { ApiWatchEvent, ListQuery, RequestContext, RestStorage, WatchQuery, WriteOptions } from './rest-storage.ts';
import { AppError, alreadyExists, conflict, invalid, isAppError, notFound, type FieldCause } from '../errors.ts';
import { formatTimestamp, isPlainObject, objectKey, resourcePrefix } from '../kube/object.ts';
import { apiVersionOfDefinition } from './resource-definition.ts';
import { metadataCauses } from './metadata-validation.ts';

export class StoredResource<T extends KubeObject = KubeObject> implements RestStorage {
  readonly definition: ResourceDefinition<T>;
  private readonly deps: StorageDeps;

  constructor(definition: ResourceDefinition<T>, deps: StorageDeps) {
    this.definition = definition;
    this.deps = deps;
  }

  async get(context: RequestContext, name: string): Promise<T> {
    return this.present(await this.read(context.namespace, name));
  }

  async list(context: RequestContext, query: ListQuery): Promise<KubeList<T>> {
    const def = this.definition;
    const namespace = def.namespaced ? (context.namespace ?? query.fieldNamespace) : undefined;
    const page = await this.deps.store.list(resourcePrefix(def.group, def.resource, def.namespaced ? namespace : ''), {
      limit: query.limit,
      continue: query.continue,
      filter: (value) => matchesQuery(value as KubeObject, query),
    });
    return {
      apiVersion: apiVersionOfDefinition(def),
      kind: `${def.kind}List`,
      metadata: { resourceVersion: page.resourceVersion, ...(page.continue ? { continue: page.continue } : {}) },
      items: page.items.map((item) => this.present(item)),
    };
  }

  async watch(context: RequestContext, query: WatchQuery): Promise<AsyncIterable<ApiWatchEvent>> {
    const def = this.definition;
    const prefix = resourcePrefix(def.group, def.resource, def.namespaced ? (context.namespace ?? query.fieldNamespace) : '');
    let from = query.resourceVersion;
    const initial: ApiWatchEvent[] = [];
    if (!from || from === '0') {
      const current = await this.list(context, { ...query, limit: undefined, continue: undefined });
      for (const object of current.items) initial.push({ type: 'ADDED', object });
      from = current.metadata.resourceVersion ?? '0';
    } else await this.checkWatchVersion(from);
    const changes = this.deps.store.watch(prefix, from, context.signal);
    const present = (event: { value: unknown; resourceVersion: string; key: string }) =>
      this.present({ key: event.key, value: event.value as Record<string, unknown>, resourceVersion: event.resourceVersion });
    return (async function* () {
      yield* initial;
      for await (const change of changes) {
        if (!matchesQuery(change.value as KubeObject, query)) continue;
        yield { type: change.type, object: present(change) };
      }
    })();
  }

  async create(context: RequestContext, body: KubeObject, options: WriteOptions): Promise<T> {
    const def = this.definition;
    const object = structuredClone(body);
    const meta: ObjectMeta = (object.metadata ??= {});
    if (def.namespaced) meta.namespace = context.namespace;
    else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    const now = this.deps.clock.now();
    meta.uid = randomUUID();
    meta.creationTimestamp = formatTimestamp(now);
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.managedFields;
    if (def.hasGeneration) meta.generation = 1;
    else delete meta.generation;
    if (def.hasStatus && !options.withStatus) delete object.status;
    def.defaults?.(object, undefined);
    this.check(object, undefined);
    if (def.namespaced) await this.requireNamespace(context.namespace!);
    await def.admit?.(object, undefined, this.hookContext(context));
    if (options.dryRun) return this.decorate(object);
    let stored: StoredObject;
    try {
      stored = await this.deps.store.create(this.key(context.namespace, meta.name!), this.forStorage(object));
    } catch (error) {
      if (isAppError(error, 'AlreadyExists')) throw alreadyExists(def.resource, meta.name!, def.group);
      throw error;
    }
    const created = this.present(stored);
    await def.afterCreate?.(created, this.hookContext(context));
    return created;
  }

  async update(context: RequestContext, name: string, body: KubeObject, options: WriteOptions): Promise<T> {
    return this.write(context, name, body, options, 'main');
  }

  async updateStatus(context: RequestContext, name: string, body: KubeObject, options: WriteOptions): Promise<T> {
    return this.write(context, name, body, options, 'status');
  }

  async delete(context: RequestContext, name: string, options: WriteOptions & { preconditionResourceVersion?: string; preconditionUid?: string }): Promise<T> {
    const def = this.definition;
    const current = await this.read(context.namespace, name);
    const object = this.present(current);
    if (options.preconditionUid && options.preconditionUid !== object.metadata?.uid) {
      throw new AppError('Conflict', `Precondition failed: UID in precondition: ${options.preconditionUid}, UID in object meta: ${object.metadata?.uid}`, {
        subject: { name, group: def.group, kind: def.resource },
      });
    }
    if (options.preconditionResourceVersion && options.preconditionResourceVersion !== current.resourceVersion) throw conflict(def.resource, name, def.group);
    if (options.dryRun) return object;
    await def.beforeDelete?.(object, this.hookContext(context));
    try {
      const removed = await this.deps.store.delete(current.key, options.preconditionResourceVersion ?? current.resourceVersion);
      return this.present(removed);
    } catch (error) {
      if (isAppError(error, 'NotFound')) throw notFound(def.resource, name, def.group);
      if (isAppError(error, 'Conflict')) throw conflict(def.resource, name, def.group);
      throw error;
    }
  }

  /** The object as served: apiVersion, kind and resourceVersion filled in. */
  present(stored: StoredObject): T {
    const object = stored.value as KubeObject;
    return this.decorate({ ...object, metadata: { ...object.metadata, resourceVersion: stored.resourceVersion } });
  }

  private async write(context: RequestContext, name: string, body: KubeObject, options: WriteOptions, part: 'main' | 'status'): Promise<T> {
    const def = this.definition;
    if (body.metadata?.name !== undefined && body.metadata.name !== name) {
      throw new AppError('BadRequest', `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    const current = await this.read(context.namespace, name);
    const old = this.present(current);
    const expected = body.metadata?.resourceVersion;
    if (expected && expected !== current.resourceVersion) throw conflict(def.resource, name, def.group);
    let object: KubeObject;
    if (part === 'status') {
      object = { ...structuredClone(old), status: structuredClone(body.status) };
    } else {
      object = structuredClone(body);
      const meta: ObjectMeta = (object.metadata ??= {});
      const oldMeta = old.metadata ?? {};
      meta.name = name;
      if (def.namespaced) meta.namespace = context.namespace;
      meta.uid = oldMeta.uid;
      meta.creationTimestamp = oldMeta.creationTimestamp;
      delete meta.managedFields;
      if (def.hasStatus && !options.withStatus) object.status = structuredClone(old.status);
      if (def.hasGeneration) meta.generation = (oldMeta.generation ?? 1) + (specChanged(old, object) ? 1 : 0);
    }
    object.metadata!.resourceVersion = current.resourceVersion;
    def.defaults?.(object, old);
    this.check(object, old);
    if (part === 'status' && options.fromClient && def.validateClientStatus) {
      const causes = def.validateClientStatus(object, old);
      if (causes.length > 0) throw invalid(def.kind, name, causes, def.group);
    }
    await def.admit?.(object, old, this.hookContext(context));
    // Admission may change the spec too (triggers, image lookup): that is a new generation as well.
    if (part === 'main' && def.hasGeneration && object.metadata!.generation === (old.metadata?.generation ?? 1) && specChanged(old, object))
      object.metadata!.generation! += 1;
    if (isDeepStrictEqual(this.decorate(object), old) || options.dryRun) return this.decorate(object);
    try {
      return this.present(await this.deps.store.update(current.key, this.forStorage(object), current.resourceVersion));
    } catch (error) {
      if (isAppError(error, 'Conflict')) throw conflict(def.resource, name, def.group);
      if (isAppError(error, 'NotFound')) throw notFound(def.resource, name, def.group);
      throw error;
    }
  }

  /**
   * A watch from a version this server never issued is refused before it starts, instead of
   * waiting forever for it: 400 when it is no version at all, 410 Gone when it is ahead of the
   * newest (a mistyped number, or a store reset since), which tells clients to list again.
   */
  private async checkWatchVersion(version: string): Promise<void> {
    if (!/^\d+$/.test(version)) throw new AppError('BadRequest', `invalid resource version "${version.slice(0, 50)}": it must be a decimal number`);
    const newest = await this.deps.store.currentResourceVersion();
    if (version.length > 20 || BigInt(version) > BigInt(newest)) {
      throw new AppError('Gone', `too large resource version: ${version.slice(0, 50)}, the newest is ${newest}; list again to watch from a current version`);
    }
  }

  /** Metadata rules, then the kind's own: past them, the body is a T. */
  private check(object: KubeObject, old: T | undefined): asserts object is T {
    const def = this.definition;
    // concat, not push(...): a body can hold more problems than a call takes arguments.
    let causes: FieldCause[] = metadataCauses(def, object.metadata ?? {}, old?.metadata);
    if (causes.length === 0) causes = causes.concat(def.validate?.(object, old) ?? []);
    if (causes.length > 0) throw invalid(def.kind, object.metadata?.name ?? '', causes, def.group);
  }

  private async read(namespace: string | undefined, name: string): Promise<StoredObject> {
    const def = this.definition;
    try {
      return await this.deps.store.get(this.key(namespace, name));
    } catch (error) {
      if (isAppError(error, 'NotFound')) throw notFound(def.resource, name, def.group);
      throw error;
    }
  }

  private async requireNamespace(namespace: string): Promise<void> {
    try {
      const found = (await this.deps.store.get(objectKey('', 'namespaces', '', namespace))).value as KubeObject;
      if (found.metadata?.deletionTimestamp) {
        throw new AppError('Forbidden', `unable to create new content in namespace ${namespace} because it is being terminated`);
      }
    } catch (error) {
      if (isAppError(error, 'NotFound')) throw notFound('namespaces', namespace);
      throw error;
    }
  }

  private key(namespace: string | undefined, name: string): string {
    const def = this.definition;
    return objectKey(def.group, def.resource, def.namespaced ? (namespace ?? '') : '', name);
  }

  private decorate(object: KubeObject): T {
    const { apiVersion: _apiVersion, kind: _kind, metadata, ...rest } = object;
    // Only validated bodies and values read from this kind's keys (validated when written) get here.
    return { apiVersion: apiVersionOfDefinition(this.definition), kind: this.definition.kind, metadata, ...rest } as T;
  }

  private forStorage(object: KubeObject): Record<string, unknown> {
    const { apiVersion: _apiVersion, kind: _kind, ...rest } = object;
    const metadata = { ...rest.metadata };
    delete metadata.resourceVersion;
    return { ...rest, metadata };
  }

  private hookContext(context: RequestContext): HookContext {
    const namespaced = this.deps.resources.definitions.filter((d) => d.namespaced && !d.storage);
    return {
      store: this.deps.store,
      user: context.user,
      clock: this.deps.clock,
      can: context.can,
      warn: context.warn ?? (() => {}),
      mayFollow: this.deps.services.mayFollow,
      namespacedPrefixes: (namespace) => [
        ...namespaced.map((d) => resourcePrefix(d.group, d.resource, namespace)),
        ...(this.deps.services.namespacedData?.(namespace) ?? []),
      ],
    };
  }
}

/** The stored resource that serves `kind` in a catalogue, typed as the kinds table says; throws for virtual kinds. */
export function storedResourceOf<T extends KubeObject>(
  resources: Pick<ResourceCatalogue, 'find' | 'storageFor'>,
  kind: Kind<T, SubresourceTypes>,
): StoredResource<T> {
  const definition = resources.find(kind.group, kind.version, kind.resource);
  const storage = definition && resources.storageFor(definition);
  if (!(storage instanceof StoredResource) || storage.definition.kind !== kind.kind) throw new Error(`${kind.resource} must be stored`);
  // The catalogue built this storage from the definition of `kind`, whose objects are T.
  return storage as StoredResource<T>;
}

function specChanged(old: KubeObject, next: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { metadata: _metadata, status: _status, apiVersion: _apiVersion, kind: _kind, ...rest } = o;
    return rest;
  };
  return !isDeepStrictEqual(strip(old), strip(next));
}

function matchesQuery(object: KubeObject, query: ListQuery): boolean {
  const meta = isPlainObject(object.metadata) ? object.metadata : {};
  if (query.fieldName !== undefined && meta.name !== query.fieldName) return false;
  if (query.fieldNamespace !== undefined && (meta.namespace ?? '') !== query.fieldNamespace) return false;
  return !query.labelSelector || query.labelSelector.matches(meta.labels);
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += alphabet[Math.floor(Math.random() * alphabet.length)];
  return suffix;
}
