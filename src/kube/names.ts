// Name rules of Kubernetes objects (DNS-1123), with the messages Kubernetes gives.

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Problems with `name` as a DNS-1123 label (namespaces, service accounts' container names), empty if none. */
export function dns1123LabelProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length > 63) problems.push('must be no more than 63 characters');
  if (!dns1123Label.test(name)) {
    problems.push(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return problems;
}

/** Problems with `name` as a DNS-1123 subdomain (most object names), empty if none. */
export function dns1123SubdomainProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length > 253) problems.push('must be no more than 253 characters');
  if (!dns1123Subdomain.test(name)) {
    problems.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
  }
  return problems;
}

/** Problems with a name used as a path segment (RBAC objects, users), empty if none. */
export function pathSegmentProblems(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  if (name.includes('/')) return ["may not contain '/'"];
  if (name.includes('%')) return ["may not contain '%'"];
  return [];
}

export type NameRule = 'dns1123-label' | 'dns1123-subdomain' | 'path-segment';

export function nameProblems(rule: NameRule, name: string): string[] {
  if (rule === 'dns1123-label') return dns1123LabelProblems(name);
  if (rule === 'dns1123-subdomain') return dns1123SubdomainProblems(name);
  return pathSegmentProblems(name);
}
