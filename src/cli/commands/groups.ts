// `ims adm groups new|add-users|remove-users`: manage user.openshift.io groups, as `oc adm groups`.
// Rights bound to a group (`ims policy add-role-to-group`) apply to each of its users.
import type { Command, CommandContext } from '../command.ts';
import { CliError } from '../cli-error.ts';
import { ServerError } from '../api-client.ts';
import { kinds } from '../../kube/kinds.ts';

/** Reads the group, changes its users and writes it back, again if someone else wrote in between. */
async function changeMembers(context: CommandContext, change: (users: string[], given: string[]) => string[]): Promise<{ group: string; given: string[] }> {
  const [group, ...given] = context.args.positionals;
  if (!group || given.length === 0) throw new CliError('a group and at least one user are required');
  const groups = context.client().resource(kinds.groups);
  for (let attempt = 0; ; attempt++) {
    const current = await groups.get(undefined, group);
    const users = change(current.users ?? [], given);
    try {
      await groups.update(undefined, group, { apiVersion: 'user.openshift.io/v1', kind: 'Group', ...current, users });
      return { group, given };
    } catch (error) {
      if (!(error instanceof ServerError && error.status === 409) || attempt >= 3) throw error;
    }
  }
}

const quoted = (names: string[]) => names.map((name) => `"${name}"`).join(', ');

export const newGroup: Command = {
  path: 'adm groups new',
  summary: 'Create a group, optionally with users',
  usage: 'ims adm groups new GROUP [USER...]',
  examples: `  # A group for the platform team, then give it edit rights in a project
  ims adm groups new platform alice bob
  ims policy add-role-to-group edit platform -n shop`,
  flags: [],
  async run(context) {
    const [group, ...users] = context.args.positionals;
    if (!group) throw new CliError('a group name is required');
    await context
      .client()
      .resource(kinds.groups)
      .create(undefined, { apiVersion: 'user.openshift.io/v1', kind: 'Group', metadata: { name: group }, users });
    context.out(`group.user.openshift.io/${group} created\n`);
  },
};

/** `add-users` and `remove-users`: the same read-change-write of the member list, told apart by `change`. */
function membershipCommand(action: 'add' | 'remove', example: string, change: (users: string[], given: string[]) => string[]): Command {
  return {
    path: `adm groups ${action}-users`,
    summary: action === 'add' ? 'Add users to a group' : 'Remove users from a group',
    usage: `ims adm groups ${action}-users GROUP USER...`,
    examples: example,
    flags: [],
    async run(context) {
      const { group, given } = await changeMembers(context, change);
      context.out(`group.user.openshift.io/${group} ${action === 'add' ? 'added' : 'removed'}: ${quoted(given)}\n`);
    },
  };
}

export const addUsers = membershipCommand(
  'add',
  `  # Carol joins the platform team
  ims adm groups add-users platform carol`,
  (users, added) => [...users, ...added.filter((user) => !users.includes(user))],
);

export const removeUsers = membershipCommand(
  'remove',
  `  # Bob leaves the platform team
  ims adm groups remove-users platform bob`,
  (users, removed) => users.filter((user) => !removed.includes(user)),
);
