// Kubernetes' RBAC escalation check: which permissions of a role its grantor does not hold, asked of
// the authorizer one (verb, group, resource, name) at a time, and Kubernetes' wording for them.
// It decides nothing by itself: callers refuse or allow.
import type { RequestAttributes } from './rbac-types.ts';
import type { PolicyRule } from '../../kube/kinds/rbac.ts';
import type { UserInfo } from '../user.ts';

export type Can = (request: RequestAttributes) => Promise<boolean>;

/**
 * The permissions in `rules` that `can` does not grant in `namespace` (undefined: cluster-wide),
 * one rule per group, resource and name with the verbs missing there. A wildcard is asked as
 * itself, so only a grantor who holds the wildcard covers it, as Kubernetes' coverage check has it.
 */
export async function rulesNotHeld(rules: readonly PolicyRule[], namespace: string | undefined, can: Can): Promise<PolicyRule[]> {
  const checks: { key: string; rule: PolicyRule; verb: string; request: RequestAttributes }[] = [];
  for (const rule of rules) {
    for (const verb of rule.verbs) {
      for (const apiGroup of rule.apiGroups ?? []) {
        for (const combined of rule.resources ?? []) {
          const slash = combined.indexOf('/');
          const resource = slash < 0 ? combined : combined.slice(0, slash);
          const subresource = slash < 0 ? undefined : combined.slice(slash + 1);
          const names = rule.resourceNames?.length ? rule.resourceNames : [undefined];
          for (const name of names) {
            checks.push({
              key: JSON.stringify(['resource', apiGroup, combined, name ?? null]),
              rule: { apiGroups: [apiGroup], resources: [combined], ...(name === undefined ? {} : { resourceNames: [name] }), verbs: [] },
              verb,
              request: { kind: 'resource', verb, apiGroup, resource, subresource, namespace, name },
            });
          }
        }
      }
      for (const path of rule.nonResourceURLs ?? []) {
        checks.push({
          key: JSON.stringify(['url', path, verb]),
          rule: { nonResourceURLs: [path], verbs: [] },
          verb,
          request: { kind: 'nonResource', verb, path },
        });
      }
    }
  }
  // Asked together: a role like `admin` is a few hundred questions, and each may reach the store.
  const held = await Promise.all(checks.map((check) => can(check.request)));
  const missing = new Map<string, { rule: PolicyRule; verbs: string[] }>();
  checks.forEach((check, i) => {
    if (held[i]) return;
    const entry = missing.get(check.key) ?? { rule: check.rule, verbs: [] };
    if (!entry.verbs.includes(check.verb)) entry.verbs.push(check.verb);
    missing.set(check.key, entry);
  });
  return [...missing.values()].map(({ rule, verbs }) => ({ ...rule, verbs }));
}

/** Kubernetes' reason for refusing such a grant: who asks, then one sorted line per rule not held. */
export function describeRulesNotHeld(user: UserInfo, missing: readonly PolicyRule[]): string {
  const lines = [...new Set(missing.map(compactRule))].sort();
  return `user ${JSON.stringify(user.name)} (groups=${quotedList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
}

/** A rule as Kubernetes prints one in escalation errors, e.g. `{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}`. */
function compactRule(rule: PolicyRule): string {
  const parts: string[] = [];
  if (rule.apiGroups?.length) parts.push(`APIGroups:${quotedList(rule.apiGroups)}`);
  if (rule.resources?.length) parts.push(`Resources:${quotedList(rule.resources)}`);
  if (rule.nonResourceURLs?.length) parts.push(`NonResourceURLs:${quotedList(rule.nonResourceURLs)}`);
  if (rule.resourceNames?.length) parts.push(`ResourceNames:${quotedList(rule.resourceNames)}`);
  if (rule.verbs.length) parts.push(`Verbs:${quotedList(rule.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/** A list of strings as Go's %q prints one: `["a" "b"]`. */
function quotedList(values: readonly string[]): string {
  return `[${values.map((value) => JSON.stringify(value)).join(' ')}]`;
}
