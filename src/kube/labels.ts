// Label keys and values, and label selectors as `kubectl -l` writes them (equality and set based).
import { AppError } from '../errors.ts';

const qualifiedName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function labelKeyProblems(key: string): string[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const problems: string[] = [];
  if (prefix !== undefined && (prefix.length > 253 || !dnsSubdomain.test(prefix))) problems.push('prefix part must be a lowercase RFC 1123 subdomain');
  if (name.length === 0 || name.length > 63 || !qualifiedName.test(name)) {
    problems.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, with at most 63 characters",
    );
  }
  return problems;
}

export function labelValueProblems(value: string): string[] {
  if (value.length > 63 || !labelValue.test(value)) {
    return [
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, with at most 63 characters",
    ];
  }
  return [];
}

type Requirement =
  { readonly key: string; readonly op: 'in' | 'notin'; readonly values: readonly string[] } | { readonly key: string; readonly op: 'exists' | 'doesnotexist' };

export interface LabelSelector {
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
}

/** Parses `a=b,c!=d,e in (f,g),!h,i`; BadRequest on anything else. */
export function parseLabelSelector(text: string): LabelSelector {
  const requirements = splitTopLevel(text.trim())
    .filter((part) => part.length > 0)
    .map(parseRequirement);
  return {
    matches(labels) {
      return requirements.every((r) => requirementMatches(r, labels ?? {}));
    },
  };
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  parts.push(current.trim());
  return parts;
}

function parseRequirement(part: string): Requirement {
  const set = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
  if (set)
    return checked({
      key: set[1],
      op: set[2] as 'in' | 'notin',
      values: set[3]
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    });
  const notEqual = /^([^\s!=()]+)\s*!=\s*([^\s!=()]*)$/.exec(part);
  if (notEqual) return checked({ key: notEqual[1], op: 'notin', values: [notEqual[2]] });
  const equal = /^([^\s!=()]+)\s*==?\s*([^\s!=()]*)$/.exec(part);
  if (equal) return checked({ key: equal[1], op: 'in', values: [equal[2]] });
  const absent = /^!\s*([^\s!=()]+)$/.exec(part);
  if (absent) return checked({ key: absent[1], op: 'doesnotexist' });
  if (/^[^\s!=()]+$/.test(part)) return checked({ key: part, op: 'exists' });
  throw new AppError('BadRequest', `unable to parse requirement: "${part}"`);
}

function checked(requirement: Requirement): Requirement {
  const problems = labelKeyProblems(requirement.key);
  if ('values' in requirement) for (const value of requirement.values) problems.push(...labelValueProblems(value));
  if (problems.length > 0) throw new AppError('BadRequest', `unable to parse requirement: invalid label key or value "${requirement.key}": ${problems[0]}`);
  return requirement;
}

function requirementMatches(requirement: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, requirement.key);
  switch (requirement.op) {
    case 'exists':
      return has;
    case 'doesnotexist':
      return !has;
    case 'in':
      return has && requirement.values.includes(labels[requirement.key]);
    case 'notin':
      return !has || !requirement.values.includes(labels[requirement.key]);
  }
}
