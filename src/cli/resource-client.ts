// The verbs of one API resource for the CLI, typed by the kinds table: its paths are computed here
// once, from group, version, resource and scope, so no command spells an API path.
import type { KubeList, KubeObject, ObjectMeta } from '../kube/object.ts';
import type { KindIdentity, SubresourceTypes } from '../kube/kinds.ts';
import type { Table } from './output/table-printer.ts';

/** What a path needs: a kinds-table entry, or a resource the server's discovery named. */
export type ResourceAddress = Pick<KindIdentity, 'group' | 'version' | 'resource' | 'namespaced'>;

/** Typed by a kinds-table entry; a discovered resource has plain objects. */
export type TypedAddress<T extends KubeObject, S extends SubresourceTypes> = ResourceAddress & {
  readonly types?: { readonly object: T; readonly subresources: S };
};

/** How the client sends requests: ApiClient's `json`, and `lines` for the streamed answer of a watch. */
export interface JsonTransport {
  json<R>(method: string, path: string, options?: { readonly body?: unknown; readonly contentType?: string; readonly accept?: string }): Promise<R>;
  lines(method: string, path: string, options?: { readonly accept?: string; readonly signal?: AbortSignal }): AsyncIterable<string>;
}

/** An object as the server answers with it: it always has a name. */
export type Served<T extends KubeObject> = T & { metadata: ObjectMeta & { name: string } };

export interface ListQuery {
  /** A label selector, e.g. `app=web,tier!=db`. */
  readonly labelSelector?: string;
}

export interface WatchQuery extends ListQuery {
  /** Only this object (a `metadata.name` field selector). */
  readonly name?: string;
  /** Changes after this version, as a list answered with it; none means from the current state. */
  readonly resourceVersion?: string;
  readonly signal?: AbortSignal;
}

/** The Status of an ERROR event, e.g. 410 Gone when the version asked for is too old. */
export interface WatchStatus {
  readonly code?: number;
  readonly reason?: string;
  readonly message?: string;
}

export type WatchEvent<O> =
  { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; readonly object: O } | { readonly type: 'ERROR'; readonly object: WatchStatus };

/**
 * `/api/v1/secrets`, `/apis/apps/v1/namespaces/shop/deployments`: a resource's collection, in
 * `namespace` when the resource is namespaced and one is given, else across all namespaces.
 */
export function collectionPath(address: ResourceAddress, namespace: string | undefined): string {
  const base = address.group ? `/apis/${address.group}/${address.version}` : `/api/${address.version}`;
  return address.namespaced && namespace !== undefined
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${address.resource}`
    : `${base}/${address.resource}`;
}

/** One object's path, or one of its subresources'. */
export function objectPath(address: ResourceAddress, namespace: string | undefined, name: string, subresource?: string): string {
  return `${collectionPath(address, namespace)}/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`;
}

export type PatchType = 'merge' | 'json' | 'strategic';

const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

function withQuery(path: string, query: ListQuery | undefined): string {
  return query?.labelSelector ? `${path}?labelSelector=${encodeURIComponent(query.labelSelector)}` : path;
}

function watchPath(address: ResourceAddress, namespace: string | undefined, query: WatchQuery): string {
  const params = [
    'watch=true',
    ...(query.resourceVersion ? [`resourceVersion=${encodeURIComponent(query.resourceVersion)}`] : []),
    ...(query.name !== undefined ? [`fieldSelector=${encodeURIComponent(`metadata.name=${query.name}`)}`] : []),
    ...(query.labelSelector ? [`labelSelector=${encodeURIComponent(query.labelSelector)}`] : []),
  ];
  return `${collectionPath(address, namespace)}?${params.join('&')}`;
}

async function* watchEvents<O>(lines: AsyncIterable<string>): AsyncGenerator<WatchEvent<O>> {
  for await (const line of lines) yield JSON.parse(line) as WatchEvent<O>;
}

export class ResourceClient<T extends KubeObject = KubeObject, S extends SubresourceTypes = Record<never, never>> {
  readonly address: ResourceAddress;
  private readonly transport: JsonTransport;

  constructor(transport: JsonTransport, address: TypedAddress<T, S>) {
    this.transport = transport;
    this.address = address;
  }

  get(namespace: string | undefined, name: string): Promise<Served<T>> {
    return this.transport.json('GET', objectPath(this.address, namespace, name));
  }

  list(namespace: string | undefined, query?: ListQuery): Promise<KubeList<Served<T>>> {
    return this.transport.json('GET', withQuery(collectionPath(this.address, namespace), query));
  }

  /** The server's table of one object (`name`) or of the collection, as `get` prints it. */
  table(namespace: string | undefined, name: string | undefined, query?: ListQuery): Promise<Table> {
    const path = name === undefined ? withQuery(collectionPath(this.address, namespace), query) : objectPath(this.address, namespace, name);
    return this.transport.json('GET', path, { accept: tableAccept });
  }

  /** Changes to the collection (or to `query.name`) as they happen, until the server ends the watch. */
  watch(namespace: string | undefined, query: WatchQuery): AsyncGenerator<WatchEvent<Served<T>>> {
    return watchEvents(this.transport.lines('GET', watchPath(this.address, namespace, query), { signal: query.signal }));
  }

  /** The same changes, each as the server's table of the changed object: one row. */
  watchTable(namespace: string | undefined, query: WatchQuery): AsyncGenerator<WatchEvent<Table>> {
    return watchEvents(this.transport.lines('GET', watchPath(this.address, namespace, query), { accept: tableAccept, signal: query.signal }));
  }

  /** `strict`: unknown fields are refused (`fieldValidation=Strict`, what kubectl create and apply ask). */
  create(namespace: string | undefined, body: T, options: { strict?: boolean } = {}): Promise<Served<T>> {
    return this.transport.json('POST', `${collectionPath(this.address, namespace)}${options.strict ? '?fieldValidation=Strict' : ''}`, { body });
  }

  update(namespace: string | undefined, name: string, body: T): Promise<Served<T>> {
    return this.transport.json('PUT', objectPath(this.address, namespace, name), { body });
  }

  updateStatus(namespace: string | undefined, name: string, body: T): Promise<Served<T>> {
    return this.transport.json('PUT', objectPath(this.address, namespace, name, 'status'), { body });
  }

  /** A JSON merge patch (RFC 7386) unless `type` says otherwise: a JSON patch (RFC 6902) or a strategic merge patch. */
  patch(namespace: string | undefined, name: string, patch: unknown, options: { strict?: boolean; type?: PatchType } = {}): Promise<Served<T>> {
    return this.transport.json('PATCH', `${objectPath(this.address, namespace, name)}${options.strict ? '?fieldValidation=Strict' : ''}`, {
      body: patch,
      contentType: patchContentTypes[options.type ?? 'merge'],
    });
  }

  /** Deletes with `options` as the DeleteOptions body, if given. */
  delete(namespace: string | undefined, name: string, options?: Record<string, unknown>): Promise<KubeObject> {
    return this.transport.json('DELETE', objectPath(this.address, namespace, name), options === undefined ? {} : { body: options });
  }

  /** A subresource other than status, e.g. `serviceaccounts/token` or `imagestreams/layers`. */
  subresource<K extends keyof S & string>(subresource: K): SubresourceClient<S[K]> {
    return new SubresourceClient(this.transport, this.address, subresource);
  }
}

export class SubresourceClient<R> {
  private readonly transport: JsonTransport;
  private readonly address: ResourceAddress;
  private readonly name: string;

  constructor(transport: JsonTransport, address: ResourceAddress, name: string) {
    this.transport = transport;
    this.address = address;
    this.name = name;
  }

  get(namespace: string | undefined, name: string): Promise<R> {
    return this.transport.json('GET', objectPath(this.address, namespace, name, this.name));
  }

  create(namespace: string | undefined, name: string, body: KubeObject): Promise<R> {
    return this.transport.json('POST', objectPath(this.address, namespace, name, this.name), { body });
  }
}
