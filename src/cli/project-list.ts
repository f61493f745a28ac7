// The projects a user can use: listed from the server, and described as `oc login` and
// `oc projects` describe them. Shared by the login and projects commands.
import type { ApiClient } from './api-client.ts';
import { kinds } from '../kube/kinds.ts';

export async function listProjectNames(client: ApiClient): Promise<string[]> {
  const list = await client.resource(kinds.projects).list(undefined);
  return list.items.map((p) => p.metadata.name).sort();
}

export function describeProjects(projects: readonly string[], current: string | undefined): string {
  if (projects.length === 0) return "You don't have any projects. You can try to create a new project, by running\n\n    ims new-project <projectname>\n\n";
  const listing =
    projects.length === 1
      ? `You have one project on this server: "${projects[0]}"\n\n`
      : `You have access to the following projects and can switch between them with 'ims project <projectname>':\n\n${projects.map((p) => `  ${p === current ? '*' : ' '} ${p}`).join('\n')}\n\n`;
  return `${listing}Using project "${current}".\n`;
}
