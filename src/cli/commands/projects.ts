// `ims projects`, `ims project [NAME]` and `ims new-project NAME`: the projects you can use, and
// which one later commands work in.
import type { Command, CommandContext } from '../command.ts';
import { describeProjects, listProjectNames } from '../project-list.ts';
import { CliError } from '../cli-error.ts';
import { kinds } from '../../kube/kinds.ts';

function requireServer(context: CommandContext): string {
  const server = context.args.strings.get('server') ?? context.config.server;
  if (!server) throw new CliError("you are not logged in: run 'ims login SERVER --token TOKEN'");
  return server;
}

export const projects: Command = {
  path: 'projects',
  summary: 'List the projects you can use',
  usage: 'ims projects',
  examples: '  # See your projects and which one is current\n  ims projects',
  flags: [{ name: 'short', short: 'q', type: 'bool', help: 'print only project names' }],
  async run(context) {
    const names = await listProjectNames(context.client());
    if (context.args.bools.get('short')) {
      context.out(names.map((n) => `${n}\n`).join(''));
      return;
    }
    context.out(describeProjects(names, context.namespace).replace(/\.\n$/, ` on server "${requireServer(context)}".\n`));
  },
};

export const project: Command = {
  path: 'project',
  summary: 'Switch to another project, or show the current one',
  usage: 'ims project [NAME]',
  examples: '  # Show the current project\n  ims project\n\n  # Work in project "myapp" from now on\n  ims project myapp',
  flags: [{ name: 'short', short: 'q', type: 'bool', help: 'print only the project name' }],
  async run(context) {
    const server = requireServer(context);
    const name = context.args.positionals[0];
    if (!name) {
      context.out(context.args.bools.get('short') ? `${context.namespace}\n` : `Using project "${context.namespace}" on server "${server}".\n`);
      return;
    }
    try {
      await context.client().resource(kinds.projects).get(undefined, name);
    } catch (error) {
      if ((error as { status?: number }).status === 404 || (error as { status?: number }).status === 403) {
        throw new CliError(
          `You are not a member of project "${name}".\nYour projects are:\n${(await listProjectNames(context.client())).map((p) => `* ${p}`).join('\n')}`,
        );
      }
      throw error;
    }
    context.saveConfig({ ...context.config, namespace: name });
    context.out(`Now using project "${name}" on server "${server}".\n`);
  },
};

export const newProject: Command = {
  path: 'new-project',
  summary: 'Create a new project and switch to it',
  usage: 'ims new-project NAME [--display-name TEXT] [--description TEXT]',
  examples: '  # Create project "myapp"; you become its admin\n  ims new-project myapp --display-name "My App"',
  flags: [
    { name: 'display-name', type: 'string', help: 'a human-friendly name', placeholder: 'TEXT' },
    { name: 'description', type: 'string', help: 'what the project is for', placeholder: 'TEXT' },
    { name: 'skip-config-write', type: 'bool', help: "don't switch to the new project" },
  ],
  async run(context) {
    const name = context.args.positionals[0];
    if (!name) throw new CliError('must have exactly one argument: the project name');
    const server = requireServer(context);
    await context
      .client()
      .resource(kinds.projectRequests)
      .create(undefined, {
        apiVersion: 'project.openshift.io/v1',
        kind: 'ProjectRequest',
        metadata: { name },
        displayName: context.args.strings.get('display-name'),
        description: context.args.strings.get('description'),
      });
    if (context.args.bools.get('skip-config-write')) {
      context.out(`Created project "${name}" on server "${server}".\n`);
      return;
    }
    context.saveConfig({ ...context.config, namespace: name });
    context.out(`Now using project "${name}" on server "${server}".\n`);
  },
};
