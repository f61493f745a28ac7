// Strict Semantic Versioning 2.0.0: parse `X.Y.Z[-pre][+build]` and compare by precedence, as the
// blang/semver package OpenShift orders tags with does. No loose forms: a leading `v`, a missing
// patch or a leading zero is not a version here; callers that accept those say so themselves.

export interface SemanticVersion {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  /** Dot-separated pre-release identifiers; empty for a release. */
  readonly prerelease: readonly string[];
}

const numeric = /^(?:0|[1-9]\d*)$/;
const identifier = /^[0-9A-Za-z-]+$/;

/** The version `text` spells, or undefined when it is not a strict semantic version. */
export function parseSemanticVersion(text: string): SemanticVersion | undefined {
  const plus = text.indexOf('+');
  const build = plus < 0 ? undefined : text.slice(plus + 1);
  const withoutBuild = plus < 0 ? text : text.slice(0, plus);
  if (build !== undefined && !build.split('.').every((part) => identifier.test(part))) return undefined;
  const dash = withoutBuild.indexOf('-');
  const core = dash < 0 ? withoutBuild : withoutBuild.slice(0, dash);
  const prerelease = dash < 0 ? [] : withoutBuild.slice(dash + 1).split('.');
  const parts = core.split('.');
  if (parts.length !== 3 || !parts.every((part) => numeric.test(part))) return undefined;
  // Numeric pre-release identifiers compare as numbers, so a leading zero would make two spellings of one.
  if (!prerelease.every((part) => identifier.test(part) && (!/^\d+$/.test(part) || numeric.test(part)))) return undefined;
  return { major: BigInt(parts[0]), minor: BigInt(parts[1]), patch: BigInt(parts[2]), prerelease };
}

/** Negative when `a` has lower precedence than `b`, positive when higher, 0 when equal (build metadata never counts). */
export function compareSemanticVersions(a: SemanticVersion, b: SemanticVersion): number {
  for (const field of ['major', 'minor', 'patch'] as const) if (a[field] !== b[field]) return a[field] < b[field] ? -1 : 1;
  // A release outranks any of its pre-releases.
  if (a.prerelease.length === 0 || b.prerelease.length === 0) return b.prerelease.length - a.prerelease.length;
  for (let i = 0; i < Math.min(a.prerelease.length, b.prerelease.length); i++) {
    const order = compareIdentifiers(a.prerelease[i], b.prerelease[i]);
    if (order !== 0) return order;
  }
  return a.prerelease.length - b.prerelease.length;
}

function compareIdentifiers(a: string, b: string): number {
  const aNumeric = /^\d+$/.test(a);
  const bNumeric = /^\d+$/.test(b);
  if (aNumeric && bNumeric) return BigInt(a) === BigInt(b) ? 0 : BigInt(a) < BigInt(b) ? -1 : 1;
  // Numeric identifiers rank below alphanumeric ones.
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
