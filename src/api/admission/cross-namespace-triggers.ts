// Which other projects' streams a namespace's workloads may follow: those its service accounts
// may pull from (`get imagestreams/layers` there, what `system:image-puller` grants), since its
// pods could not run the image otherwise. A workload's namespace is what the trigger controller
// acts for (a cluster workload's is all ims knows of who wrote it), so without this rule anyone
// who may create a Deployment could read the digests any project's tags point at.
import type { Authorizer } from '../../auth/rbac/authorizer.ts';
import { serviceAccountUser } from '../../auth/user.ts';

/** Whether workloads of a namespace may follow a stream of another one (same-namespace streams always may). */
export type MayFollow = (namespace: string, from: { readonly namespace: string; readonly stream: string }) => Promise<boolean>;

export function pullersMayFollow(authorizer: Pick<Authorizer, 'authorize'>): MayFollow {
  return (namespace, from) =>
    authorizer.authorize(serviceAccountUser(namespace, 'default'), {
      kind: 'resource',
      verb: 'get',
      apiGroup: 'image.openshift.io',
      resource: 'imagestreams',
      subresource: 'layers',
      namespace: from.namespace,
      name: from.stream,
    });
}
