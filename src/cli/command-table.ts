// Every command's words and one-line summary, and how to load it: `ims get` loads get.ts and what it
// imports, never the other commands' modules, so a command starts in the time its own code takes.
import type { Command } from './command.ts';

export interface CommandEntry {
  /** Words that name it: `create secret docker-registry`; the same as the loaded command's. */
  readonly path: string;
  readonly summary: string;
  /** Left out of help and completion: the shell scripts' own `__complete`. */
  readonly hidden?: boolean;
  load(): Promise<Command>;
}

/** What a group of commands (`ims set`, `ims adm groups`) is for, as its help says. */
export const groupSummaries: Readonly<Record<string, string>> = {
  adm: 'Tools for administrators: pruning, backups, groups and clusters',
  'adm cluster': 'Connect this server to a Kubernetes cluster',
  'adm groups': 'Manage groups of users',
  'adm prune': 'Remove what is no longer used',
  auth: 'Inspect what you (or others) may do',
  create: 'Create objects from files, or one of the kinds below',
  'create secret': 'Create a secret',
  policy: 'Manage who may do what in a project',
  registry: 'Work with the integrated registry',
  secrets: 'Manage which secrets service accounts use',
  set: 'Set image triggers and image lookup',
};

export const commandTable: readonly CommandEntry[] = [
  { path: 'login', summary: 'Log in to a server', load: async () => (await import('./commands/login.ts')).login },
  { path: 'logout', summary: 'End the current session and forget its token', load: async () => (await import('./commands/session.ts')).logout },
  { path: 'whoami', summary: 'Show who you are logged in as', load: async () => (await import('./commands/session.ts')).whoami },
  { path: 'new-project', summary: 'Create a new project and switch to it', load: async () => (await import('./commands/projects.ts')).newProject },
  { path: 'project', summary: 'Switch to another project, or show the current one', load: async () => (await import('./commands/projects.ts')).project },
  { path: 'projects', summary: 'List the projects you can use', load: async () => (await import('./commands/projects.ts')).projects },
  { path: 'version', summary: 'Print the client and server versions', load: async () => (await import('./commands/version.ts')).version },
  {
    path: 'api-resources',
    summary: 'List the kinds of objects the server serves',
    load: async () => (await import('./commands/api-resources.ts')).apiResources,
  },
  { path: 'explain', summary: 'Describe the fields of a kind, from the server', load: async () => (await import('./commands/explain.ts')).explain },
  { path: 'get', summary: 'Show one or many objects', load: async () => (await import('./commands/get.ts')).get },
  { path: 'describe', summary: 'Show details of an object', load: async () => (await import('./commands/describe.ts')).describe },
  { path: 'create', summary: 'Create objects from files', load: async () => (await import('./commands/create.ts')).create },
  { path: 'apply', summary: 'Create or update objects so that they match files', load: async () => (await import('./commands/create.ts')).apply },
  { path: 'delete', summary: 'Delete objects by kind and name, or those in a file', load: async () => (await import('./commands/delete.ts')).deleteCommand },
  { path: 'edit', summary: 'Edit an object in your editor and save it', load: async () => (await import('./commands/edit.ts')).edit },
  { path: 'patch', summary: 'Change fields of an object with a patch', load: async () => (await import('./commands/patch.ts')).patch },
  { path: 'label', summary: 'Set or remove labels of objects', load: async () => (await import('./commands/label.ts')).label },
  { path: 'annotate', summary: 'Set or remove annotations of objects', load: async () => (await import('./commands/label.ts')).annotate },
  {
    path: 'create imagestream',
    summary: 'Create an empty image stream',
    load: async () => (await import('./commands/create-imagestream.ts')).createImageStream,
  },
  {
    path: 'create deployment',
    summary: 'Create a deployment that runs the given images',
    load: async () => (await import('./commands/create-deployment.ts')).createDeployment,
  },
  {
    path: 'create secret docker-registry',
    summary: 'Create a secret with credentials for a container registry',
    load: async () => (await import('./commands/create-secret.ts')).createDockerRegistrySecret,
  },
  {
    path: 'create secret generic',
    summary: 'Create a secret from files or literal values',
    load: async () => (await import('./commands/create-secret.ts')).createGenericSecret,
  },
  {
    path: 'create token',
    summary: 'Print a new bearer token for a service account',
    load: async () => (await import('./commands/create-secret.ts')).createToken,
  },
  {
    path: 'create webhook',
    summary: "Create a receiver of a registry's push notifications: tags that follow a pushed image are imported at once",
    load: async () => (await import('./commands/create-webhook.ts')).createWebhook,
  },
  { path: 'secrets link', summary: 'Link secrets to a service account', load: async () => (await import('./commands/secrets-link.ts')).secretsLink },
  { path: 'secrets unlink', summary: 'Detach secrets from a service account', load: async () => (await import('./commands/secrets-link.ts')).secretsUnlink },
  {
    path: 'policy add-role-to-user',
    summary: 'Grant a role to users or service accounts in the current project',
    load: async () => (await import('./commands/policy.ts')).addRoleToUser,
  },
  {
    path: 'policy add-role-to-group',
    summary: 'Grant a role to groups in the current project',
    load: async () => (await import('./commands/policy.ts')).addRoleToGroup,
  },
  {
    path: 'policy remove-role-from-user',
    summary: 'Take a role away from users or service accounts in the current project',
    load: async () => (await import('./commands/policy.ts')).removeRoleFromUser,
  },
  {
    path: 'policy remove-role-from-group',
    summary: 'Take a role away from groups in the current project',
    load: async () => (await import('./commands/policy.ts')).removeRoleFromGroup,
  },
  { path: 'registry info', summary: "Print the integrated registry's host", load: async () => (await import('./commands/registry.ts')).registryInfo },
  {
    path: 'registry login',
    summary: 'Save credentials for the integrated registry for skopeo, podman and docker',
    load: async () => (await import('./commands/registry.ts')).registryLogin,
  },
  { path: 'tag', summary: 'Point image stream tags at images', load: async () => (await import('./commands/tag.ts')).tag },
  {
    path: 'import-image',
    summary: 'Import images from another registry into an image stream now',
    load: async () => (await import('./commands/import-image.ts')).importImage,
  },
  {
    path: 'set triggers',
    summary: 'Update workloads when an image stream tag changes, or list their triggers',
    load: async () => (await import('./commands/set.ts')).setTriggers,
  },
  {
    path: 'set image-lookup',
    summary: 'Let short image names resolve to image streams, or list which streams allow it',
    load: async () => (await import('./commands/set.ts')).setImageLookup,
  },
  {
    path: 'adm prune images',
    summary: 'Remove old image revisions and the images and blobs nothing uses',
    load: async () => (await import('./commands/prune.ts')).pruneImages,
  },
  {
    path: 'adm backup',
    summary: "Save a consistent snapshot of the server's store to a file while it runs",
    load: async () => (await import('./commands/backup.ts')).admBackup,
  },
  {
    path: 'adm cluster webhook-config',
    summary: "Print the MutatingWebhookConfiguration that sends a cluster's pods and workloads to this server's image admission",
    load: async () => (await import('./commands/cluster.ts')).clusterWebhookConfig,
  },
  { path: 'adm groups new', summary: 'Create a group, optionally with users', load: async () => (await import('./commands/groups.ts')).newGroup },
  { path: 'adm groups add-users', summary: 'Add users to a group', load: async () => (await import('./commands/groups.ts')).addUsers },
  { path: 'adm groups remove-users', summary: 'Remove users from a group', load: async () => (await import('./commands/groups.ts')).removeUsers },
  { path: 'auth can-i', summary: 'Check whether an action is allowed', load: async () => (await import('./commands/auth.ts')).authCanI },
  {
    path: '__complete',
    summary: 'Print completion candidates for the shell scripts',
    hidden: true,
    load: async () => (await import('./commands/completion.ts')).complete,
  },
  { path: 'completion', summary: 'Print a shell completion script (bash or zsh)', load: async () => (await import('./commands/completion.ts')).completion },
];

/** The command the leading words name, the longest match winning (`create secret generic` over `create`). */
export function findCommand(argv: readonly string[]): CommandEntry | undefined {
  const words = leadingWords(argv);
  let best: CommandEntry | undefined;
  for (const entry of commandTable) {
    const path = entry.path.split(' ');
    if (path.every((w, i) => words[i] === w) && (!best || path.length > best.path.split(' ').length)) best = entry;
  }
  return best;
}

/** The words before the first flag. */
export function leadingWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  return words;
}

/** `set`, `adm groups`: the groups the commands' paths make, longest first. */
export function commandGroups(): string[] {
  const groups = new Set<string>();
  for (const entry of commandTable) {
    const words = entry.path.split(' ');
    for (let n = 1; n < words.length; n++) groups.add(words.slice(0, n).join(' '));
  }
  return [...groups].sort((a, b) => b.split(' ').length - a.split(' ').length);
}
