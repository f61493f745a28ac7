// What the generic API engine needs to know about one kind. Each file in resources/ exports one of
// these; stored kinds need nothing more, virtual kinds also bring their own RestStorage.
import type { FieldCause } from '../errors.ts';
import type { KubeObject } from '../kube/object.ts';
import type { NameRule } from '../kube/names.ts';
import type { KindIdentity } from '../kube/kinds.ts';
import type { ResourceStore } from '../store/resource-store.ts';
import type { UserInfo } from '../auth/user.ts';
import type { Clock } from '../lib/clock.ts';
import type { RestStorage } from './rest-storage.ts';
import type { RequestAttributes } from '../auth/rbac/rbac-types.ts';
import type { ImportServices } from '../streams/stream-imports.ts';
import type { MayFollow } from './admission/cross-namespace-triggers.ts';
import type { PolicyRule } from '../kube/kinds/rbac.ts';
import type { ObjectSchema } from './field-schema.ts';

/** A piece of an OpenAPI v3 schema, as kubectl explain reads it. */
export interface OpenApiSchema {
  readonly type?: 'string' | 'boolean' | 'integer' | 'number' | 'object' | 'array';
  readonly format?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, OpenApiSchema>>;
  readonly items?: OpenApiSchema;
  readonly additionalProperties?: OpenApiSchema;
  /** Fields an object must have; kubectl explain marks them `-required-`. */
  readonly required?: readonly string[];
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
}

export type { FieldSchema } from './field-schema.ts';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export const allVerbs: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface TableColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly format?: string;
  readonly description: string;
  /** 0: always shown; 1: only with `-o wide`. */
  readonly priority: 0 | 1;
}

export interface TableDefinition<T extends KubeObject = KubeObject> {
  /** Columns after NAME; AGE is added last unless `noAge`. */
  readonly columns: readonly TableColumn[];
  cells(object: T, now: Date): readonly unknown[];
  readonly noAge?: boolean;
}

/** What hooks may use: the store, the caller, the time. */
export interface HookContext {
  readonly store: ResourceStore;
  readonly user: UserInfo;
  readonly clock: Clock;
  /** Whether the caller may do something else too (e.g. read the secret a service account links). */
  readonly can: (request: RequestAttributes) => Promise<boolean>;
  /** The key prefixes of everything a namespace can hold. */
  readonly namespacedPrefixes: (namespace: string) => string[];
  /** Adds a warning to the answer; writes that are not a client's request drop it. */
  readonly warn: (message: string) => void;
  /** Whether a namespace's workloads may follow another namespace's stream; unset, they may. */
  readonly mayFollow?: MayFollow;
}

/**
 * One kind as the engine serves it, its objects of type T. Identity comes from the kinds table.
 * Hooks see the body as sent until `validate` passes, and T after; they are methods so that a
 * definition of a narrower kind fits the catalogue's list (the engine gives each only its own objects).
 */
export interface ResourceDefinition<T extends KubeObject = KubeObject> extends Omit<KindIdentity, 'shortNames'> {
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly verbs: readonly Verb[];
  readonly nameRule: NameRule;
  /** Top-level fields besides apiVersion, kind and metadata, for `fieldValidation=Strict`. */
  readonly fields: readonly string[];
  /**
   * The top-level fields' types and the known fields below them (field-schema.ts), so decoding
   * refuses `spec.replicas: "many"` (field-types.ts) and field validation catches `spec.tagz`.
   */
  readonly schema?: ObjectSchema;
  /** Described fields for the OpenAPI documents (kubectl explain); fields without one keep a bare schema. */
  readonly openApi?: Readonly<Record<string, OpenApiSchema>>;
  /** Keeps `metadata.generation`, bumped when anything but metadata and status changes. */
  readonly hasGeneration?: boolean;
  /** Has a `/status` subresource: main writes keep the old status, status writes keep the rest. */
  readonly hasStatus?: boolean;
  /** Fills defaults; runs on create and update before validation. */
  defaults?(object: KubeObject, old: T | undefined): void;
  validate?(object: KubeObject, old: T | undefined): FieldCause[];
  /** Checks a status write an API client sent against the stored object; the server's own status writes skip it. */
  validateClientStatus?(object: T, old: T): FieldCause[];
  /** Checks that need the store or the caller's permissions (e.g. RBAC escalation); throws to refuse. */
  admit?(object: T, old: T | undefined, context: HookContext): Promise<void>;
  /** Runs after a successful create (e.g. a namespace's default service accounts). */
  afterCreate?(object: T, context: HookContext): Promise<void>;
  /** Runs before a delete (e.g. a namespace removes what it holds). */
  beforeDelete?(object: T, context: HookContext): Promise<void>;
  readonly table?: TableDefinition<T>;
  /** Virtual kinds answer from their own storage. */
  readonly storage?: (deps: StorageDeps) => RestStorage;
  /** Subresources other than status, handled by their own storage (e.g. serviceaccounts/token). */
  readonly subresources?: Readonly<
    Record<
      string,
      {
        readonly kind: string;
        readonly verbs: readonly Verb[];
        readonly storage: (deps: StorageDeps) => RestStorage;
        /** The group of `kind` when it is not the resource's (imagestreams/secrets answers a core SecretList). */
        readonly kindGroup?: string;
        /** Described fields of `kind` for the OpenAPI documents, which leave out a subresource without them. */
        readonly openApi?: Readonly<Record<string, OpenApiSchema>>;
      }
    >
  >;
}

export interface StorageDeps {
  readonly store: ResourceStore;
  readonly clock: Clock;
  /** The stored-resource engine, for virtual kinds built on stored ones. */
  readonly resources: ResourceCatalogue;
  readonly services: ApiServices;
}

/** Services of other parts that some kinds need (token issuing, imports). */
export interface ApiServices extends ImportServices {
  readonly issueServiceAccountToken?: (namespace: string, name: string, ttlSeconds: number) => Promise<{ token: string; expiresAt: Date }>;
  /** Key prefixes of other parts' data that belongs to a namespace (registry links), removed with it. */
  readonly namespacedData?: (namespace: string) => string[];
  /** Whether a namespace's workloads may follow another namespace's stream (image triggers). */
  readonly mayFollow?: MayFollow;
  /** What the review kinds ask of this server's own authentication and authorization (TokenReview, SubjectAccessReview…). */
  readonly reviews?: ReviewServices;
}

export interface ReviewServices {
  /** Whom one of this server's own tokens belongs to; undefined for a token it does not know. */
  authenticateToken(token: string): Promise<UserInfo | undefined>;
  authorize(user: UserInfo, request: RequestAttributes): Promise<boolean>;
  /**
   * Every rule the user holds in the namespace, cluster-wide ones included; `incomplete` when another
   * authorizer (a cluster's) may allow more than the rules say.
   */
  rulesFor(user: UserInfo, namespace: string): Promise<{ rules: PolicyRule[]; incomplete: boolean }>;
}

export interface ResourceCatalogue {
  readonly definitions: readonly ResourceDefinition[];
  find(group: string, version: string, resource: string): ResourceDefinition | undefined;
  storageFor(definition: ResourceDefinition): RestStorage;
  /** Storage of a subresource other than status, if the kind has it. */
  subresourceStorageFor(definition: ResourceDefinition, subresource: string): RestStorage | undefined;
}

/** The identity of a kinds-table entry, for a definition to spread: `{ ...identityOf(kinds.secrets), … }`. */
export function identityOf(entry: KindIdentity): KindIdentity {
  const { group, version, kind, resource, singular, namespaced, shortNames } = entry;
  return { group, version, kind, resource, singular, namespaced, shortNames };
}

export function apiVersionOfDefinition(definition: Pick<ResourceDefinition, 'group' | 'version'>): string {
  return definition.group ? `${definition.group}/${definition.version}` : definition.version;
}
