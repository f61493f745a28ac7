// Every kind the server serves, in one table: the identity the API serves it under and the CLI
// addresses it by, and (as types only) what its objects and subresources are. The API's resource
// definitions take their identity from here, so the server and the CLI cannot disagree.
import type { KubeObject } from './object.ts';
import type { Namespace, Secret, SecretList, ServiceAccount, TokenRequest } from './kinds/core.ts';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from './kinds/rbac.ts';
import type { Group, Project, ProjectRequest, User } from './kinds/tenancy.ts';
import type { CronJob, DaemonSet, Deployment, Job, Pod, ReplicaSet, ReplicationController, StatefulSet, Workload } from './kinds/workloads.ts';
import type { SelfSubjectAccessReview, SelfSubjectReview, SelfSubjectRulesReview, SubjectAccessReview, TokenReview } from './kinds/access-review.ts';
import type {
  Image,
  ImageStream,
  ImageStreamImage,
  ImageStreamImport,
  ImageStreamLayers,
  ImageStreamMapping,
  ImageStreamTag,
  ImageStreamWebhook,
} from './kinds/image.ts';

/** Where a kind lives in the API and how it is named. */
export interface KindIdentity {
  /** `''` for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Plural, lower case: the URL segment. */
  readonly resource: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
}

/** What subresources (other than status) answer, by name. */
export type SubresourceTypes = Readonly<Record<string, object>>;

export interface Kind<T extends KubeObject = KubeObject, S extends SubresourceTypes = SubresourceTypes> extends KindIdentity {
  /** Subresources other than status: name → the kind it answers with. */
  readonly subresources: { readonly [K in keyof S]: string };
  /** Never set: carries the object and subresource types to typed storage and the CLI client. */
  readonly types?: { readonly object: T; readonly subresources: S };
}

type Entry<S extends SubresourceTypes> = Omit<KindIdentity, 'singular' | 'shortNames'> & {
  readonly shortNames?: readonly string[];
  readonly subresources?: { readonly [K in keyof S]: string };
};

/** A table entry; the singular is the kind in lower case, as for every kind served. */
function kind<T extends KubeObject, S extends SubresourceTypes = Record<never, never>>(entry: Entry<S>): Kind<T, S> {
  return {
    ...entry,
    singular: entry.kind.toLowerCase(),
    shortNames: entry.shortNames ?? [],
    subresources: entry.subresources ?? ({} as { readonly [K in keyof S]: string }),
  };
}

const image = 'image.openshift.io';
const authentication = 'authentication.k8s.io';
const authorization = 'authorization.k8s.io';

export const kinds = {
  namespaces: kind<Namespace>({ group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', namespaced: false, shortNames: ['ns'] }),
  secrets: kind<Secret>({ group: '', version: 'v1', kind: 'Secret', resource: 'secrets', namespaced: true }),
  serviceAccounts: kind<ServiceAccount, { token: TokenRequest }>({
    group: '',
    version: 'v1',
    kind: 'ServiceAccount',
    resource: 'serviceaccounts',
    namespaced: true,
    shortNames: ['sa'],
    subresources: { token: 'TokenRequest' },
  }),
  pods: kind<Pod>({ group: '', version: 'v1', kind: 'Pod', resource: 'pods', namespaced: true, shortNames: ['po'] }),
  replicationControllers: kind<ReplicationController>({
    group: '',
    version: 'v1',
    kind: 'ReplicationController',
    resource: 'replicationcontrollers',
    namespaced: true,
    shortNames: ['rc'],
  }),
  deployments: kind<Deployment>({ group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', namespaced: true, shortNames: ['deploy'] }),
  statefulSets: kind<StatefulSet>({ group: 'apps', version: 'v1', kind: 'StatefulSet', resource: 'statefulsets', namespaced: true, shortNames: ['sts'] }),
  daemonSets: kind<DaemonSet>({ group: 'apps', version: 'v1', kind: 'DaemonSet', resource: 'daemonsets', namespaced: true, shortNames: ['ds'] }),
  replicaSets: kind<ReplicaSet>({ group: 'apps', version: 'v1', kind: 'ReplicaSet', resource: 'replicasets', namespaced: true, shortNames: ['rs'] }),
  jobs: kind<Job>({ group: 'batch', version: 'v1', kind: 'Job', resource: 'jobs', namespaced: true }),
  cronJobs: kind<CronJob>({ group: 'batch', version: 'v1', kind: 'CronJob', resource: 'cronjobs', namespaced: true, shortNames: ['cj'] }),
  roles: kind<Role>({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', resource: 'roles', namespaced: true }),
  clusterRoles: kind<ClusterRole>({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', resource: 'clusterroles', namespaced: false }),
  roleBindings: kind<RoleBinding>({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', resource: 'rolebindings', namespaced: true }),
  clusterRoleBindings: kind<ClusterRoleBinding>({
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'ClusterRoleBinding',
    resource: 'clusterrolebindings',
    namespaced: false,
  }),
  projects: kind<Project>({ group: 'project.openshift.io', version: 'v1', kind: 'Project', resource: 'projects', namespaced: false }),
  projectRequests: kind<ProjectRequest>({
    group: 'project.openshift.io',
    version: 'v1',
    kind: 'ProjectRequest',
    resource: 'projectrequests',
    namespaced: false,
  }),
  users: kind<User>({ group: 'user.openshift.io', version: 'v1', kind: 'User', resource: 'users', namespaced: false }),
  groups: kind<Group>({ group: 'user.openshift.io', version: 'v1', kind: 'Group', resource: 'groups', namespaced: false }),
  images: kind<Image>({ group: image, version: 'v1', kind: 'Image', resource: 'images', namespaced: false }),
  imageStreams: kind<ImageStream, { layers: ImageStreamLayers; secrets: SecretList }>({
    group: image,
    version: 'v1',
    kind: 'ImageStream',
    resource: 'imagestreams',
    namespaced: true,
    shortNames: ['is'],
    subresources: { layers: 'ImageStreamLayers', secrets: 'SecretList' },
  }),
  imageStreamMappings: kind<ImageStreamMapping>({ group: image, version: 'v1', kind: 'ImageStreamMapping', resource: 'imagestreammappings', namespaced: true }),
  imageStreamTags: kind<ImageStreamTag>({
    group: image,
    version: 'v1',
    kind: 'ImageStreamTag',
    resource: 'imagestreamtags',
    namespaced: true,
    shortNames: ['istag'],
  }),
  imageStreamImports: kind<ImageStreamImport>({
    group: image,
    version: 'v1',
    kind: 'ImageStreamImport',
    resource: 'imagestreamimports',
    namespaced: true,
    shortNames: ['isimport'],
  }),
  imageStreamImages: kind<ImageStreamImage>({
    group: image,
    version: 'v1',
    kind: 'ImageStreamImage',
    resource: 'imagestreamimages',
    namespaced: true,
    shortNames: ['isimage'],
  }),
  tokenReviews: kind<TokenReview>({ group: authentication, version: 'v1', kind: 'TokenReview', resource: 'tokenreviews', namespaced: false }),
  selfSubjectReviews: kind<SelfSubjectReview>({
    group: authentication,
    version: 'v1',
    kind: 'SelfSubjectReview',
    resource: 'selfsubjectreviews',
    namespaced: false,
  }),
  subjectAccessReviews: kind<SubjectAccessReview>({
    group: authorization,
    version: 'v1',
    kind: 'SubjectAccessReview',
    resource: 'subjectaccessreviews',
    namespaced: false,
  }),
  selfSubjectAccessReviews: kind<SelfSubjectAccessReview>({
    group: authorization,
    version: 'v1',
    kind: 'SelfSubjectAccessReview',
    resource: 'selfsubjectaccessreviews',
    namespaced: false,
  }),
  localSubjectAccessReviews: kind<SubjectAccessReview>({
    group: authorization,
    version: 'v1',
    kind: 'LocalSubjectAccessReview',
    resource: 'localsubjectaccessreviews',
    namespaced: true,
  }),
  selfSubjectRulesReviews: kind<SelfSubjectRulesReview>({
    group: authorization,
    version: 'v1',
    kind: 'SelfSubjectRulesReview',
    resource: 'selfsubjectrulesreviews',
    namespaced: false,
  }),
  imageStreamWebhooks: kind<ImageStreamWebhook>({
    group: image,
    version: 'v1',
    kind: 'ImageStreamWebhook',
    resource: 'imagestreamwebhooks',
    namespaced: true,
    shortNames: ['webhook'],
  }),
  customResourceDefinitions: kind<KubeObject>({
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    resource: 'customresourcedefinitions',
    namespaced: false,
    shortNames: ['crd', 'crds'],
  }),
} as const;

/** `image.openshift.io/v1`, `v1`: the apiVersion of a kind's objects. */
export function apiVersionOf(kind: Pick<KindIdentity, 'group' | 'version'>): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}

/** The kinds whose pod specs name images: what triggers patch, image lookup resolves, and prune keeps in use. */
export const workloadKinds: readonly Kind<Workload>[] = [
  kinds.pods,
  kinds.replicationControllers,
  kinds.deployments,
  kinds.statefulSets,
  kinds.daemonSets,
  kinds.replicaSets,
  kinds.jobs,
  kinds.cronJobs,
];
