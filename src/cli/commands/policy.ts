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
    const users = context.args.positionals.slice(1);
    const accounts = context.args.lists.get('serviceaccount') ?? [];
    const subjects: Subject[] = [
      ...users.map(userSubject),
      ...accounts.map((name) => ({ kind: 'ServiceAccount' as const, name, namespace: context.namespace })),
    ];
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
