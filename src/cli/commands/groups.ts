// `ims adm groups new|add-users|remove-users`: manage user.openshift.io groups, as `oc adm groups`.
// Rights bound to a group (`ims policy add-role-to-group`) apply to each of its users.
import type { Command, CommandContext } from '../command.ts';
import { CliError } from '../cli-error.ts';
import { ServerError } from '../api-client.ts';

const groupsPath = '/apis/user.openshift.io/v1/groups';

interface Group {
  metadata: { name: string; resourceVersion?: string };
  users?: string[];
}

/** Reads the group, changes its users and writes it back, again if someone else wrote in between. */
async function changeMembers(context: CommandContext, change: (users: string[], given: string[]) => string[]): Promise<{ group: string; given: string[] }> {
  const [group, ...given] = context.args.positionals;
  if (!group || given.length === 0) throw new CliError('a group and at least one user are required');
  const client = context.client();
  for (let attempt = 0; ; attempt++) {
    const current = await client.json<Group>('GET', `${groupsPath}/${encodeURIComponent(group)}`);
    const users = change(current.users ?? [], given);
    try {
      await client.json('PUT', `${groupsPath}/${encodeURIComponent(group)}`, { body: { apiVersion: 'user.openshift.io/v1', kind: 'Group', ...current, users } });
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
    await context.client().json('POST', groupsPath, { body: { apiVersion: 'user.openshift.io/v1', kind: 'Group', metadata: { name: group }, users } });
    context.out(`group.user.openshift.io/${group} created\n`);
  },
};

export const addUsers: Command = {
  path: 'adm groups add-users',
  summary: 'Add users to a group',
  usage: 'ims adm groups add-users GROUP USER...',
  examples: `  # Carol joins the platform team
  ims adm groups add-users platform carol`,
  flags: [],
  async run(context) {
    const { group, given } = await changeMembers(context, (users, added) => [...users, ...added.filter((user) => !users.includes(user))]);
    context.out(`group.user.openshift.io/${group} added: ${quoted(given)}\n`);
  },
};

export const removeUsers: Command = {
  path: 'adm groups remove-users',
  summary: 'Remove users from a group',
  usage: 'ims adm groups remove-users GROUP USER...',
  examples: `  # Bob leaves the platform team
  ims adm groups remove-users platform bob`,
  flags: [],
  async run(context) {
    const { group, given } = await changeMembers(context, (users, removed) => users.filter((user) => !removed.includes(user)));
    context.out(`group.user.openshift.io/${group} removed: ${quoted(given)}\n`);
  },
};
