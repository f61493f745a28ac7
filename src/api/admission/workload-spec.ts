// The value rules Kubernetes holds workload specs to once their types decoded (field-types.ts):
// counts that may not be negative, selectors whose operators exist, strategies and policies from
// their lists, a CronJob schedule that parses. Answered as 422 causes, as Kubernetes' validation.
import type { FieldCause } from '../../errors.ts';
import { isPlainObject } from '../../kube/object.ts';

type Node = Record<string, unknown>;
const nodeAt = (object: unknown, path: string): Node => {
  let node: unknown = object;
  for (const step of path.split('.')) node = isPlainObject(node) ? node[step] : undefined;
  return isPlainObject(node) ? node : {};
};

/** The count fields of each kind's spec that Kubernetes requires to be at least 0. */
const nonNegativeFields: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['replicas', 'minReadySeconds', 'revisionHistoryLimit'],
  StatefulSet: ['replicas', 'minReadySeconds', 'revisionHistoryLimit'],
  ReplicaSet: ['replicas', 'minReadySeconds'],
  ReplicationController: ['replicas', 'minReadySeconds'],
  DaemonSet: ['minReadySeconds', 'revisionHistoryLimit'],
  Job: ['parallelism', 'completions', 'backoffLimit', 'activeDeadlineSeconds'],
  CronJob: ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'],
};

const strategyTypes: Readonly<Record<string, { readonly field: string; readonly values: readonly string[] }>> = {
  Deployment: { field: 'strategy', values: ['Recreate', 'RollingUpdate'] },
  StatefulSet: { field: 'updateStrategy', values: ['OnDelete', 'RollingUpdate'] },
  DaemonSet: { field: 'updateStrategy', values: ['OnDelete', 'RollingUpdate'] },
};

const selectorOperators = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** Every value problem of a workload's spec (its pod template is pod-template.ts's). */
export function workloadSpecCauses(object: unknown, kind: string): FieldCause[] {
  const spec = nodeAt(object, 'spec');
  const causes: FieldCause[] = [];
  for (const field of nonNegativeFields[kind] ?? []) causes.push(...nonNegative(spec[field], `spec.${field}`));
  const strategy = strategyTypes[kind];
  const type = strategy && nodeAt(spec, strategy.field).type;
  if (strategy && type !== undefined && !strategy.values.includes(type as string))
    causes.push(notSupported(`spec.${strategy.field}.type`, type, strategy.values));
  if (kind === 'Job') causes.push(...labelSelectorCauses(spec.selector, 'spec.selector'));
  if (kind === 'CronJob') causes.push(...cronJobCauses(spec));
  if (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet' || kind === 'ReplicaSet') {
    causes.push(...labelSelectorCauses(spec.selector, 'spec.selector'));
    const selector = nodeAt(spec, 'selector');
    const isEmpty =
      Object.keys(nodeAt(selector, 'matchLabels')).length === 0 && !(Array.isArray(selector.matchExpressions) && selector.matchExpressions.length > 0);
    if (isPlainObject(spec.selector) && isEmpty)
      causes.push({ reason: 'FieldValueInvalid', field: 'spec.selector', message: `empty selector is invalid for ${kind.toLowerCase()}` });
  }
  return causes;
}

function nonNegative(value: unknown, field: string): FieldCause[] {
  return typeof value === 'number' && value < 0 ? [{ reason: 'FieldValueInvalid', field, message: `${value}: must be greater than or equal to 0` }] : [];
}

function notSupported(field: string, value: unknown, values: readonly string[]): FieldCause {
  return { reason: 'FieldValueNotSupported', field, message: `${JSON.stringify(value)}: supported values: ${values.map((v) => `"${v}"`).join(', ')}` };
}

/** A LabelSelector's expressions, as Kubernetes validates them. */
export function labelSelectorCauses(selector: unknown, path: string): FieldCause[] {
  if (!isPlainObject(selector) || !Array.isArray(selector.matchExpressions)) return [];
  const causes: FieldCause[] = [];
  selector.matchExpressions.forEach((expression: unknown, i: number) => {
    const field = `${path}.matchExpressions[${i}]`;
    const { key, operator, values } = isPlainObject(expression) ? expression : ({} as Node);
    if (typeof key !== 'string' || key === '') causes.push({ reason: 'FieldValueRequired', field: `${field}.key`, message: '' });
    const count = Array.isArray(values) ? values.length : 0;
    if (!selectorOperators.includes(operator as string)) causes.push(notSupported(`${field}.operator`, operator, selectorOperators));
    else if ((operator === 'In' || operator === 'NotIn') && count === 0)
      causes.push({ reason: 'FieldValueRequired', field: `${field}.values`, message: "must be specified when `operator` is 'In' or 'NotIn'" });
    else if ((operator === 'Exists' || operator === 'DoesNotExist') && count > 0)
      causes.push({ reason: 'FieldValueForbidden', field: `${field}.values`, message: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'" });
  });
  return causes;
}

const concurrencyPolicies = ['Allow', 'Forbid', 'Replace'];

function cronJobCauses(spec: Node): FieldCause[] {
  const causes: FieldCause[] = [];
  const schedule = spec.schedule;
  if (typeof schedule !== 'string' || schedule === '') causes.push({ reason: 'FieldValueRequired', field: 'spec.schedule', message: '' });
  else {
    const problem = scheduleProblem(schedule);
    if (problem)
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'spec.schedule',
        message: `${JSON.stringify(schedule.slice(0, 100))}: unparseable schedule: ${problem}`,
      });
  }
  if (spec.concurrencyPolicy !== undefined && !concurrencyPolicies.includes(spec.concurrencyPolicy as string))
    causes.push(notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, concurrencyPolicies));
  return causes;
}

const descriptors = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const days = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
/** minute, hour, day of month, month, day of week: their ranges and names, as the standard cron parser Kubernetes uses. */
const cronFields = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31, any: true },
  { min: 1, max: 12, names: months },
  { min: 0, max: 6, names: days, any: true },
] as const;

/** Why `schedule` is not a standard five-field cron schedule (or a descriptor such as @daily), or undefined. */
export function scheduleProblem(schedule: string): string | undefined {
  const text = schedule.trim();
  if (text.startsWith('@')) {
    if (descriptors.includes(text)) return undefined;
    return /^@every \d+(\.\d+)?(ns|us|µs|ms|s|m|h)(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))*$/.test(text) ? undefined : `unrecognized descriptor: ${text.slice(0, 50)}`;
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}`;
  for (const [i, field] of fields.entries()) {
    const range = cronFields[i];
    for (const part of field.split(',')) {
      const problem = cronPartProblem(part, range);
      if (problem) return problem;
    }
  }
  return undefined;
}

function cronPartProblem(part: string, range: (typeof cronFields)[number]): string | undefined {
  const [span, step, extra] = part.split('/');
  if (extra !== undefined || (step !== undefined && !/^\d+$/.test(step))) return `invalid step in "${part.slice(0, 30)}"`;
  if (span === '*' || (span === '?' && 'any' in range)) return undefined;
  const bounds = span.split('-');
  if (bounds.length > 2) return `too many hyphens: "${part.slice(0, 30)}"`;
  for (const bound of bounds) {
    const named = 'names' in range ? (range.names as readonly string[]).indexOf(bound.toUpperCase()) : -1;
    const value = named >= 0 ? named + range.min : /^\d+$/.test(bound) ? Number(bound) : NaN;
    if (Number.isNaN(value)) return `failed to parse "${bound.slice(0, 30)}"`;
    if (value < range.min || value > range.max) return `${value} out of range [${range.min}, ${range.max}]`;
  }
  return undefined;
}
