// Every kind the API serves, and the storage behind each. A kind added here is added to the kinds
// table (kube/kinds.ts) too: a test holds the two equal, so the CLI addresses what the server serves.
import type { ResourceCatalogue, ResourceDefinition, StorageDeps } from '../resource-definition.ts';
import type { RestStorage } from '../rest-storage.ts';
import { StoredResource } from '../stored-resource.ts';
import { namespaces } from './namespaces.ts';
import { secrets } from './secrets.ts';
import { serviceaccounts } from './serviceaccounts.ts';
import { clusterrolebindings, clusterroles, rolebindings, roles } from './rbac.ts';
import { cronjobs, daemonsets, deployments, jobs, pods, replicasets, replicationcontrollers, statefulsets } from './workloads.ts';
import { projects } from './projects.ts';
import { projectrequests } from './projectrequests.ts';
import { users } from './users.ts';
import { groups } from './groups.ts';
import { images } from './images.ts';
import { imageStreamDefinition } from './imagestreams.ts';
import { imagestreammappings } from './imagestreammappings.ts';
import { imagestreamtags } from './imagestreamtags.ts';
import { imagestreamimports } from './imagestreamimports.ts';
import { imagestreamimages } from './imagestream-views.ts';
import { selfsubjectreviews, tokenreviews } from './token-reviews.ts';
import { localsubjectaccessreviews, selfsubjectaccessreviews, selfsubjectrulesreviews, subjectaccessreviews } from './access-reviews.ts';
import { imagestreamwebhooks } from './imagestreamwebhooks.ts';
import { customresourcedefinitions } from './customresourcedefinitions.ts';

/** Every kind served; image streams need the registry's public host for their pull specs. */
export function builtInDefinitions(publicHost: () => string): readonly ResourceDefinition[] {
  return [
    ...coreDefinitions,
    images,
    imageStreamDefinition(publicHost),
    imagestreammappings,
    imagestreamtags,
    imagestreamimports,
    imagestreamimages,
    imagestreamwebhooks,
  ];
}

const coreDefinitions: readonly ResourceDefinition[] = [
  namespaces,
  secrets,
  serviceaccounts,
  pods,
  replicationcontrollers,
  deployments,
  statefulsets,
  daemonsets,
  replicasets,
  jobs,
  cronjobs,
  roles,
  clusterroles,
  rolebindings,
  clusterrolebindings,
  projects,
  projectrequests,
  users,
  groups,
  tokenreviews,
  selfsubjectreviews,
  subjectaccessreviews,
  selfsubjectaccessreviews,
  localsubjectaccessreviews,
  selfsubjectrulesreviews,
  customresourcedefinitions,
];

export function createCatalogue(definitions: readonly ResourceDefinition[], deps: Omit<StorageDeps, 'resources'>): ResourceCatalogue {
  const storages = new Map<ResourceDefinition, RestStorage>();
  const subStorages = new Map<string, RestStorage>();
  const index = new Map(definitions.map((d) => [`${d.group}/${d.version}/${d.resource}`, d]));
  const catalogue: ResourceCatalogue = {
    definitions,
    find: (group, version, resource) => index.get(`${group}/${version}/${resource}`),
    storageFor(definition) {
      let storage = storages.get(definition);
      if (!storage) {
        const full = { ...deps, resources: catalogue };
        storage = definition.storage ? definition.storage(full) : new StoredResource(definition, full);
        storages.set(definition, storage);
      }
      return storage;
    },
    subresourceStorageFor(definition, subresource) {
      const sub = definition.subresources?.[subresource];
      if (!sub) return undefined;
      const key = `${definition.group}/${definition.resource}/${subresource}`;
      let storage = subStorages.get(key);
      if (!storage) {
        storage = sub.storage({ ...deps, resources: catalogue });
        subStorages.set(key, storage);
      }
      return storage;
    },
  };
  return catalogue;
}
