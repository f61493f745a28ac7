// `ims policy add-role-to-user|add-role-to-group ROLE SUBJECT...`: grants a role in the current
// project by adding subjects to the role's binding there (creating it if needed), as `oc policy`.
import type { Command, CommandContext } from '../command.ts';
import type { RoleBinding, RoleRef, Subject } from '../../kube/kinds/rbac.ts';
import { CliError } from '../cli-error.ts';
import { ServerError } from '../api-client.ts';
import { kinds } from '../../kube/kinds.ts';

const bindingFlags = [
  { name: 'role-namespace', type: 'string' as const, help: 'grant a Role of this namespace instead of a ClusterRole', placeholder: 'NAMESPACE' },
  { name: 'rolebinding-name', type: 'string' as const, help: 'the binding to add subjects to', placeholder: 'NAME' },
];

async function addRole(context: CommandContext, subjects: Subject[], labels: string[]): Promise<void> {
  const role = context.args.positionals[0];
  if (!role || subjects.length === 0) throw new CliError('a role and at least one subject are required');
  const roleNamespace = context.args.strings.get('role-namespace');
  const roleRef: RoleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: roleNamespace ? 'Role' : 'ClusterRole', name: role };
  const roleBindings = context.client().resource(kinds.roleBindings);
  const wantedName = context.args.strings.get('rolebinding-name');
  for (let attempt = 0; ; attempt++) {
    const bindings = (await roleBindings.list(context.namespace)).items;
    let binding: RoleBinding | undefined = wantedName
      ? bindings.find((b) => b.metadata.name === wantedName)
      : bindings.find((b) => sameRef(b.roleRef, roleRef));
    if (binding && !sameRef(binding.roleRef, roleRef))
      throw new CliError(`rolebinding ${binding.metadata.name} found for role ${binding.roleRef.name}, not ${role}`);
    const creating = !binding;
    if (!binding) {
      const taken = new Set(bindings.map((b) => b.metadata.name));
      let name = wantedName ?? role;
      for (let n = 0; taken.has(name); n++) name = `${role}-${n}`;
      binding = { metadata: { name }, roleRef, subjects: [] };
    }
    for (const subject of subjects) {
      if (!binding.subjects?.some((s) => s.kind === subject.kind && s.name === subject.name && (s.namespace ?? '') === (subject.namespace ?? ''))) {
        binding.subjects = [...(binding.subjects ?? []), subject];
      }
    }
    try {
      if (creating) await roleBindings.create(context.namespace, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', ...binding });
      else await roleBindings.update(context.namespace, binding.metadata.name, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', ...binding });
      break;
    } catch (error) {
      if (!(error instanceof ServerError && error.status === 409) || attempt >= 3) throw error;
    }
  }
  const kindLabel = roleNamespace ? 'role.rbac.authorization.k8s.io' : 'clusterrole.rbac.authorization.k8s.io';
  const quoted = labels.map((l) => `"${l}"`);
  context.out(`${kindLabel}/${role} added: ${quoted.length === 1 ? quoted[0] : `[${quoted.join(' ')}]`}\n`);
}

/**
 * A user, or the service account a user name like `system:serviceaccount:NS:NAME` is: oc binds
 * that as a ServiceAccount subject, so the binding lists it among service accounts.
 */
function userSubject(name: string): Subject {
  const account = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(name);
  if (account) return { kind: 'ServiceAccount', namespace: account[1], name: account[2] };
  return { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name };
}

function sameRef(a: RoleRef, b: RoleRef): boolean {
  return a.kind === b.kind && a.name === b.name;
}

export const addRoleToUser: Command = {
  path: 'policy add-role-to-user',
  summary: 'Grant a role to users or service accounts in the current project',
  usage: 'ims policy add-role-to-user ROLE (USER... | -z SERVICE_ACCOUNT...) [flags]',
  examples: `  # Make alice an editor of this project
  ims policy add-role-to-user edit alice

  # Let the ci service account push images here
  ims policy add-role-to-user system:image-pusher -z ci`,
  flags: [
    { name: 'serviceaccount', short: 'z', type: 'strings', help: 'service accounts of the current project to grant the role to', placeholder: 'NAME' },
    ...bindingFlags,
  ],
  async run(context) {
    const { users, accounts, subjects } = userSubjects(context);
    await addRole(context, subjects, [...users, ...accounts.map((a) => `system:serviceaccount:${context.namespace}:${a}`)]);
  },
};

export const addRoleToGroup: Command = {
  path: 'policy add-role-to-group',
  summary: 'Grant a role to groups in the current project',
  usage: 'ims policy add-role-to-group ROLE GROUP... [flags]',
  examples: `  # Let every service account of project "consumer" pull images from this project
  ims policy add-role-to-group system:image-puller system:serviceaccounts:consumer -n producer`,
  flags: bindingFlags,
  async run(context) {
    const groups = context.args.positionals.slice(1);
    await addRole(
      context,
      groups.map((name) => ({ kind: 'Group' as const, apiGroup: 'rbac.authorization.k8s.io', name })),
      groups,
    );
  },
};

/**
 * Takes subjects out of every binding of the role in the current project (or the one named), as
 * `oc policy remove-role-from-*`: a binding left with no subjects is deleted, unless it is marked
 * `rbac.authorization.kubernetes.io/autoupdate: "false"`, which says an administrator keeps it.
 */
async function removeRole(context: CommandContext, subjects: Subject[], labels: string[]): Promise<void> {
  const role = context.args.positionals[0];
  if (!role) throw new CliError('you must specify a role');
  if (subjects.length === 0) throw new CliError('you must specify at least one subject');
  const roleNamespace = context.args.strings.get('role-namespace');
  const roleRef: RoleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: roleNamespace ? 'Role' : 'ClusterRole', name: role };
  const roleBindings = context.client().resource(kinds.roleBindings);
  const wantedName = context.args.strings.get('rolebinding-name');
  for (let attempt = 0; ; attempt++) {
    const all = (await roleBindings.list(context.namespace)).items;
    let bindings: RoleBinding[];
    if (wantedName) {
      const named = all.find((b) => b.metadata.name === wantedName);
      if (!named) throw new CliError(`rolebindings.rbac.authorization.k8s.io "${wantedName}" not found`);
      if (!sameRef(named.roleRef, roleRef)) throw new CliError(`rolebinding ${wantedName} contains role ${named.roleRef.name}, instead of role ${role}`);
      bindings = [named];
    } else {
      bindings = all.filter((b) => sameRef(b.roleRef, roleRef));
      if (bindings.length === 0) throw new CliError(`unable to locate any RoleBinding for ${roleRef.kind} "${role}"`);
    }
    let found = 0;
    const changed: RoleBinding[] = [];
    for (const binding of bindings) {
      const kept = (binding.subjects ?? []).filter(
        (s) => !subjects.some((r) => r.kind === s.kind && r.name === s.name && (r.namespace ?? '') === (s.namespace ?? '')),
      );
      if (kept.length === (binding.subjects ?? []).length) continue;
      found += (binding.subjects ?? []).length - kept.length;
      changed.push({ ...binding, subjects: kept });
    }
    if (found === 0) throw new CliError(`unable to find target [${labels.map((l) => `"${l}"`).join(' ')}]`);
    try {
      for (const binding of changed) {
        const keep = (binding.subjects ?? []).length > 0 || binding.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'] === 'false';
        if (keep)
          await roleBindings.update(context.namespace, binding.metadata.name, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', ...binding });
        else
          await roleBindings.delete(context.namespace, binding.metadata.name, {
            kind: 'DeleteOptions',
            apiVersion: 'v1',
            preconditions: { resourceVersion: binding.metadata.resourceVersion },
          });
      }
      break;
    } catch (error) {
      // Someone changed a binding meanwhile: read them again and remove from what is there now.
      if (!(error instanceof ServerError && error.status === 409) || attempt >= 3) throw error;
    }
  }
  const kindLabel = roleNamespace ? 'role.rbac.authorization.k8s.io' : 'clusterrole.rbac.authorization.k8s.io';
  const quoted = labels.map((l) => `"${l}"`);
  context.out(`${kindLabel}/${role} removed: ${quoted.length === 1 ? quoted[0] : `[${quoted.join(' ')}]`}\n`);
}

export const removeRoleFromUser: Command = {
  path: 'policy remove-role-from-user',
  summary: 'Take a role away from users or service accounts in the current project',
  usage: 'ims policy remove-role-from-user ROLE (USER... | -z SERVICE_ACCOUNT...) [flags]',
  examples: `  # alice may no longer edit this project
  ims policy remove-role-from-user edit alice

  # The ci service account may no longer push here
  ims policy remove-role-from-user system:image-pusher -z ci`,
  flags: [
    { name: 'serviceaccount', short: 'z', type: 'strings', help: 'service accounts of the current project to take the role from', placeholder: 'NAME' },
    ...bindingFlags,
  ],
  async run(context) {
    const { users, accounts, subjects } = userSubjects(context);
    await removeRole(context, subjects, [...users, ...accounts]);
  },
};

export const removeRoleFromGroup: Command = {
  path: 'policy remove-role-from-group',
  summary: 'Take a role away from groups in the current project',
  usage: 'ims policy remove-role-from-group ROLE GROUP... [flags]',
  examples: `  # Service accounts of project "consumer" may no longer pull from this project
  ims policy remove-role-from-group system:image-puller system:serviceaccounts:consumer -n producer`,
  flags: bindingFlags,
  async run(context) {
    const groups = context.args.positionals.slice(1);
    await removeRole(
      context,
      groups.map((name) => ({ kind: 'Group' as const, apiGroup: 'rbac.authorization.k8s.io', name })),
      groups,
    );
  },
};

/** The users named after the role and the service accounts of `-z`, as binding subjects. */
function userSubjects(context: CommandContext): { users: string[]; accounts: readonly string[]; subjects: Subject[] } {
  const users = context.args.positionals.slice(1);
  const accounts = context.args.lists.get('serviceaccount') ?? [];
  const subjects: Subject[] = [...users.map(userSubject), ...accounts.map((name) => ({ kind: 'ServiceAccount' as const, name, namespace: context.namespace }))];
  return { users, accounts, subjects };
}
