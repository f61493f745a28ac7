// The verbs a resource can serve. The generic StoredResource implements all of them over the
// ResourceStore; virtual kinds implement the ones they support.
import type { KubeList, KubeObject } from '../kube/object.ts';
import type { UserInfo } from '../auth/user.ts';
import type { RequestAttributes } from '../auth/rbac/rbac-types.ts';
import type { LabelSelector } from '../kube/labels.ts';

export interface RequestContext {
  readonly user: UserInfo;
  readonly namespace?: string;
  readonly signal: AbortSignal;
  readonly requestId: string;
  /** Whether the caller may also do this (for checks beyond the request's own verb). */
  readonly can: (request: RequestAttributes) => Promise<boolean>;
  /** Adds a warning to the answer (a `Warning` header), where the request has one to add it to. */
  readonly warn?: (message: string) => void;
}

export interface ListQuery {
  readonly labelSelector?: LabelSelector;
  /** `metadata.name` and `metadata.namespace` equality from a field selector. */
  readonly fieldName?: string;
  readonly fieldNamespace?: string;
  readonly limit?: number;
  readonly continue?: string;
}

export interface WriteOptions {
  readonly dryRun: boolean;
  /** Server-internal writers (the importer) write spec and status together, as OpenShift's internal strategy does. */
  readonly withStatus?: boolean;
  /** The write came from an API client's request, so the kind's client-only rules apply. */
  readonly fromClient?: boolean;
}

export interface WatchQuery extends ListQuery {
  /** Absent or "0": start with the current objects as ADDED events. */
  readonly resourceVersion?: string;
}

export interface ApiWatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR' | 'BOOKMARK';
  readonly object: KubeObject;
}

export interface RestStorage {
  get?(context: RequestContext, name: string): Promise<KubeObject>;
  list?(context: RequestContext, query: ListQuery): Promise<KubeList>;
  watch?(context: RequestContext, query: WatchQuery): Promise<AsyncIterable<ApiWatchEvent>>;
  /** Returns the stored object, or any object (e.g. a Status) for virtual create-only kinds. */
  create?(context: RequestContext, body: KubeObject, options: WriteOptions): Promise<KubeObject>;
  update?(context: RequestContext, name: string, body: KubeObject, options: WriteOptions): Promise<KubeObject>;
  delete?(
    context: RequestContext,
    name: string,
    options: WriteOptions & { preconditionResourceVersion?: string; preconditionUid?: string },
  ): Promise<KubeObject>;
}
