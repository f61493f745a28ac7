// What `kubectl explain KIND` says first about each kind served: the meaning OpenShift's API
// documentation (openshift/api) gives the image, project and user kinds, and Kubernetes' gives its
// own. Keyed by `<group>/<Kind>` ('' for core); a test holds every served kind to having one.

const image = 'image.openshift.io';

export const kindDescriptions: Readonly<Record<string, string>> = {
  [`${image}/ImageStream`]:
    'An image stream maps tags to images, applies per-tag metadata to images tagged into it, and may name a container image repository on a registry. ' +
    'Users usually set spec.tags to point at external images, imported from container registries with the pull secrets of the namespace, or at image stream tags and images, which can be tagged or pulled at once. ' +
    'status.tags records the history of the images of each tag, and anyone who can view the stream may tag its images into their own streams. ' +
    'Pulling from the integrated registry takes the "get imagestreams/layers" permission on the stream. Deleting an imagestreamtag removes that tag from both spec and status. ' +
    'History is kept until an administrator prunes what is no longer in use; to keep an old image, point a spec tag at it by digest.',
  [`${image}/ImageStreamTag`]:
    'An image stream tag is the image of one tag of an ImageStream, looked up by tag name: use it to work with the tags and images of a stream by tag, or to see the details of the image of a tag. ' +
    'Its image is the one most recently tagged, imported or pushed with success (the first of the status.tags items of the tag); while an import runs, or after it failed, the previous image shows. ' +
    'Deleting an image stream tag removes the tag from both the spec and the status of the stream. A tag without an image is not found.',
  [`${image}/ImageStreamImage`]:
    'An image stream image is an Image looked up by name in an ImageStream, so that users, who cannot read Image objects directly, can view the details of an image in the tag history of a stream. ' +
    'It is not found unless a tag of the stream references the image. Its name is "<stream>@<digest>" (sha256:...); use ImageStreamImage as the from.kind of a spec tag to reference an image exactly. ' +
    'It can only be read.',
  [`${image}/ImageStreamImport`]:
    'An image stream import finds container images in other registries and imports them into the server: single images or a whole repository, and the user may look at the result before the images are tagged into the stream. ' +
    'It is meant for tools that need the metadata of an image before importing it (for instance, to create an application from it); clients that know the image they want can set spec.tags on their stream directly.',
  [`${image}/ImageStreamMapping`]:
    'An image stream mapping records a container image under one tag of an image stream, in its status tags; privileged integrators, such as the registry, use it. ' +
    'Anyone who can view the stream may then tag or pull the image, so a mapping is only for an image whose contents the user has proven access to. ' +
    'It can only be created, and its name and namespace are those of the image stream whose tag it updates.',
  [`${image}/Image`]:
    'An image is an immutable record of a container image and its metadata at one point in time, named by a hash of its contents: any change of content or metadata makes a new image. ' +
    'Images are mostly for cluster administrators and integrations such as the registry; users reach images through imagestreamtags and imagestreamimages. ' +
    'The API holds the metadata of images; the registry keeps the manifests, configurations and layers.',
  [`${image}/ImageStreamLayers`]:
    'The layers referenced by the images of an image stream (imagestreams/NAME/layers): every blob and what each image is made of. The registry uses it to decide which blobs a pull through the stream may read.',
  '/SecretList': 'A list of secrets. imagestreams/NAME/secrets answers with the pull secrets of the namespace that imports of the stream may use.',
  [`${image}/ImageStreamWebhook`]:
    "An image stream webhook (this server's own kind) receives push notifications from a registry (distribution, Docker Hub, Quay, Harbor, GHCR, GitLab or a generic sender) and imports the pushed tags into the image streams that follow them.",
  'project.openshift.io/Project':
    "A project is the unit of isolation and collaboration: OpenShift's view of a Kubernetes namespace. Its members have roles in it: administrators manage membership, editors create and manage resources, viewers can see them. " +
    'Listing or watching projects returns only those the user may read. Users ask for a new project through projectrequests; creating one directly is for administrators.',
  'project.openshift.io/ProjectRequest': 'A project request holds what is needed to create a project for the user asking: its display name and description.',
  'user.openshift.io/User':
    'A user of the system, recorded when it first logs in. Administrators may change its fields to keep track of users, or set groups through the API. User names are unique and come from the identity provider.',
  'user.openshift.io/Group': 'A group is a named set of users that role bindings can refer to.',
  '/Namespace': 'A namespace gives a scope to names: the objects of one project live in its namespace.',
  '/Secret': 'A secret holds secret data of some type, such as the credentials for a container registry (kubernetes.io/dockerconfigjson).',
  '/ServiceAccount':
    'A service account is an identity for processes in pods: a name, a principal that can be authenticated and authorized, and the secrets it uses (pull secrets, for instance).',
  '/Pod': 'A pod is a group of containers that run together on a host. This server stores pods as given and runs none.',
  '/ReplicationController': 'A replication controller keeps a number of copies of a pod running. This server stores it as given and runs no pods.',
  'apps/Deployment':
    'A deployment declares the pods and replica sets of an application and rolls out changes to them. This server stores it as given and runs no pods.',
  'apps/StatefulSet': 'A stateful set runs pods with stable identities and storage. This server stores it as given and runs no pods.',
  'apps/DaemonSet': 'A daemon set runs a copy of a pod on each node. This server stores it as given and runs no pods.',
  'apps/ReplicaSet': 'A replica set keeps a number of copies of a pod running. This server stores it as given and runs no pods.',
  'batch/Job': 'A job runs pods until a number of them complete. This server stores it as given and runs no pods.',
  'batch/CronJob': 'A cron job creates jobs on a schedule. This server stores it as given and runs none.',
  'rbac.authorization.k8s.io/Role':
    'A role is a set of rules (verbs on resources) in one namespace, granted to users, groups and service accounts by role bindings.',
  'rbac.authorization.k8s.io/ClusterRole':
    'A cluster role is a set of rules (verbs on resources) that a role binding grants in one namespace, or a cluster role binding everywhere.',
  'rbac.authorization.k8s.io/RoleBinding':
    'A role binding grants the rules of a role or cluster role to subjects (users, groups, service accounts) in its namespace.',
  'rbac.authorization.k8s.io/ClusterRoleBinding':
    'A cluster role binding grants the rules of a cluster role to subjects (users, groups, service accounts) in every namespace.',
  'authentication.k8s.io/TokenReview': 'A token review asks who a bearer token belongs to; the answer is in status.',
  'authentication.k8s.io/SelfSubjectReview': 'A self subject review asks who the caller is (kubectl auth whoami); the answer is in status.',
  'authorization.k8s.io/SubjectAccessReview': 'A subject access review asks whether a user or group may perform an action; the answer is in status.',
  'authorization.k8s.io/SelfSubjectAccessReview':
    'A self subject access review asks whether the caller may perform an action (kubectl auth can-i); the answer is in status.',
  'authorization.k8s.io/LocalSubjectAccessReview':
    'A local subject access review asks whether a user or group may perform an action in one namespace; the answer is in status.',
  'authorization.k8s.io/SelfSubjectRulesReview':
    'A self subject rules review lists the actions the caller may perform in a namespace (kubectl auth can-i --list).',
  'apiextensions.k8s.io/CustomResourceDefinition':
    'A custom resource definition adds a resource to the API server. This server has none: the list is always empty, and kubectl reads it to say "no matches for kind" about kinds it does not serve.',
};
