// `ims auth can-i VERB TYPE[/NAME] [NAME]` and `ims auth can-i --list`, as kubectl's: asked of the
// server's SelfSubjectAccessReview (or, with --as, a SubjectAccessReview about that user), answered
// "yes" (exit 0) or "no" (exit 1).
import type { Command, CommandContext } from '../command.ts';
import type { ResourceAttributes, ResourceRule, SelfSubjectRulesReview, SubjectAccessReviewStatus } from '../../kube/kinds/access-review.ts';
import { CliError } from '../cli-error.ts';
import { kinds } from '../../kube/kinds.ts';

const knownVerbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'use', 'bind', 'escalate', 'impersonate', '*'];

export const authCanI: Command = {
  path: 'auth can-i',
  summary: 'Check whether an action is allowed',
  usage:
    'ims auth can-i VERB [TYPE | TYPE/NAME | NONRESOURCEURL] [NAME] [--subresource S] [-n NS | -A] [--as USER [--as-group G]]\n  ims auth can-i --list [-n NS]',
  examples: `  # May I create deployments in the current project?
  ims auth can-i create deployments

  # May the project's service accounts pull from its streams? (as the registry asks it)
  ims auth can-i get imagestreams --subresource=layers --as system:serviceaccount:demo:default

  # May I push to the stream "app" in project demo?
  ims auth can-i update imagestreams/app --subresource=layers -n demo

  # May I read /metrics?
  ims auth can-i get /metrics

  # Everything I may do in the current project
  ims auth can-i --list`,
  flags: [
    { name: 'all-namespaces', short: 'A', type: 'bool', help: 'ask about every namespace at once' },
    { name: 'subresource', type: 'string', help: 'the subresource to ask about, e.g. layers or status', placeholder: 'NAME' },
    { name: 'as', type: 'string', help: 'ask about this user instead of yourself (needs create subjectaccessreviews)', placeholder: 'USER' },
    { name: 'as-group', type: 'strings', help: 'with --as: the groups of that user (repeatable)', placeholder: 'GROUP' },
    { name: 'list', type: 'bool', help: 'list everything you may do in the namespace' },
    { name: 'quiet', short: 'q', type: 'bool', help: 'print nothing: answer with the exit code only' },
  ],
  async run(context) {
    if (context.args.bools.get('list')) return listRules(context);
    const [verb, target, extraName, ...rest] = context.args.positionals;
    if (!verb || !target || rest.length > 0)
      throw new CliError("you must specify two or three arguments: verb, resource, and optional resourceName\nSee 'ims auth can-i --help'.");
    const quiet = context.args.bools.get('quiet') ?? false;
    if (!knownVerbs.includes(verb) && !quiet) context.err(`Warning: verb '${verb}' is not a known verb\n`);
    const spec = target.startsWith('/')
      ? { nonResourceAttributes: { path: target, verb } }
      : { resourceAttributes: await resourceAttributes(context, verb, target, extraName, quiet) };
    const status = await review(context, spec);
    if (!quiet) context.out(answerLine(status));
    if (!status.allowed) throw Object.assign(new CliError('no'), { reported: true });
  },
};

async function resourceAttributes(
  context: CommandContext,
  verb: string,
  target: string,
  extraName: string | undefined,
  quiet: boolean,
): Promise<ResourceAttributes> {
  const slash = target.indexOf('/');
  const typed = slash < 0 ? target : target.slice(0, slash);
  const name = slash < 0 ? extraName : target.slice(slash + 1);
  if (slash >= 0 && extraName !== undefined)
    throw new CliError('there is no need to specify a resource name as a separate argument when passing arguments in resource/name form');
  let group = '';
  let resource = typed;
  if (typed !== '*') {
    const resolver = await context.resolver();
    try {
      const found = resolver.resolve(typed);
      group = found.group;
      resource = found.resource;
    } catch {
      // As kubectl: a type the server does not serve is still asked about, by the name given.
      if (!quiet) context.err(`Warning: the server doesn't have a resource type '${typed}'\n`);
    }
  }
  const namespace = context.args.bools.get('all-namespaces') ? '' : context.namespace;
  return {
    namespace,
    verb,
    group,
    resource,
    ...(context.args.strings.get('subresource') ? { subresource: context.args.strings.get('subresource') } : {}),
    ...(name ? { name } : {}),
  };
}

async function review(context: CommandContext, spec: Record<string, unknown>): Promise<SubjectAccessReviewStatus> {
  const as = context.args.strings.get('as');
  const client = context.client();
  if (as === undefined) {
    const answer = await client.resource(kinds.selfSubjectAccessReviews).create(undefined, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec,
    });
    return answer.status ?? { allowed: false };
  }
  const answer = await client.resource(kinds.subjectAccessReviews).create(undefined, {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { ...spec, user: as, groups: impersonatedGroups(as, context.args.lists.get('as-group') ?? []) },
  });
  return answer.status ?? { allowed: false };
}

/** The groups Kubernetes gives an impersonated user: those asked for, a service account's own, and system:authenticated. */
function impersonatedGroups(user: string, asked: readonly string[]): string[] {
  const account = /^system:serviceaccount:([^:]+):[^:]+$/.exec(user);
  const groups = [...asked];
  if (account && asked.length === 0) groups.push('system:serviceaccounts', `system:serviceaccounts:${account[1]}`);
  if (user !== 'system:anonymous' && !groups.includes('system:authenticated')) groups.push('system:authenticated');
  return groups;
}

/** kubectl's answer: "yes", or "no" with the reason and the evaluation error when the server gave them. */
function answerLine(status: SubjectAccessReviewStatus): string {
  if (status.allowed) return 'yes\n';
  return `no${status.reason ? ` - ${status.reason}` : ''}${status.evaluationError ? ` - ${status.evaluationError}` : ''}\n`;
}

async function listRules(context: CommandContext): Promise<void> {
  if (context.args.strings.get('as') !== undefined) throw new CliError('--list answers for yourself only; leave out --as');
  const answer: SelfSubjectRulesReview = await context
    .client()
    .resource(kinds.selfSubjectRulesReviews)
    .create(undefined, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: context.namespace } });
  const status = answer.status ?? { resourceRules: [], nonResourceRules: [], incomplete: true };
  const rows = [...resourceRows(status.resourceRules)];
  for (const rule of status.nonResourceRules) rows.push(['', `[${(rule.nonResourceURLs ?? []).join(' ')}]`, '[]', `[${rule.verbs.join(' ')}]`]);
  context.out(tabulate([['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs'], ...rows]));
  if (status.incomplete && status.evaluationError) context.err(`Warning: the list may be incomplete: ${status.evaluationError}\n`);
}

/** One row per resource and group (`imagestreams.image.openshift.io/layers`, `*.*`), verbs merged where the rest is the same. */
function resourceRows(rules: readonly ResourceRule[]): string[][] {
  const merged = new Map<string, { resource: string; names: string; verbs: string[] }>();
  for (const rule of rules) {
    for (const group of rule.apiGroups ?? ['']) {
      for (const resource of rule.resources ?? []) {
        const label = group ? `${dotted(resource, group)}` : resource;
        const names = `[${(rule.resourceNames ?? []).join(' ')}]`;
        const key = `${label}\u0000${names}`;
        const entry = merged.get(key) ?? { resource: label, names, verbs: [] };
        for (const verb of rule.verbs) if (!entry.verbs.includes(verb)) entry.verbs.push(verb);
        merged.set(key, entry);
      }
    }
  }
  return [...merged.values()].sort((a, b) => a.resource.localeCompare(b.resource)).map((e) => [e.resource, '[]', e.names, `[${e.verbs.join(' ')}]`]);
}

/** `imagestreams/layers` in `image.openshift.io` is `imagestreams.image.openshift.io/layers`, as kubectl writes it. */
function dotted(resource: string, group: string): string {
  const slash = resource.indexOf('/');
  return slash < 0 ? `${resource}.${group}` : `${resource.slice(0, slash)}.${group}${resource.slice(slash)}`;
}

function tabulate(rows: readonly string[][]): string {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  return rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col] + 3))).join('')).join('\n') + '\n';
}
