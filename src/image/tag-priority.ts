// The order OpenShift imports and shows a repository's tags in (SPEC §2.11, library-go
// imageutil.PrioritizeTags): `latest`; then minor versions (`5.1`, `v5.1`, `5.1-rc1`) newest first;
// then full semantic versions (`5.1.3`, `v5.1.3-beta.2`) newest first; then every other tag in
// byte order. A bulk import takes the first N of this order, so it decides which tags a user gets.
import { compareSemanticVersions, parseSemanticVersion, type SemanticVersion } from './semver.ts';

const ranks = { latest: 0, minor: 1, full: 2, other: 3 } as const;

interface RankedTag {
  readonly tag: string;
  readonly rank: (typeof ranks)[keyof typeof ranks];
  readonly version?: SemanticVersion;
  readonly prefixed: boolean;
}

const minorVersion = /^\d+\.\d+$/;
const minorWithSuffix = /^(\d+\.\d+)-\w+$/;

function rankTag(tag: string): RankedTag {
  if (tag === 'latest') return { tag, rank: ranks.latest, prefixed: false };
  const prefixed = tag.startsWith('v');
  const short = prefixed ? tag.slice(1) : tag;
  const full = parseSemanticVersion(short);
  if (full) return { tag, rank: ranks.full, version: full, prefixed };
  // `5.1` is 5.1.0 and `5.1-rc1` is 5.1.0-rc1; a spelling semver refuses (`01.2`, `5.1-rc_1`) is no version.
  const suffixed = minorWithSuffix.exec(short);
  const minor = minorVersion.test(short)
    ? parseSemanticVersion(`${short}.0`)
    : suffixed
      ? parseSemanticVersion(short.replace(suffixed[1], `${suffixed[1]}.0`))
      : undefined;
  if (minor) return { tag, rank: ranks.minor, version: minor, prefixed };
  return { tag, rank: ranks.other, prefixed };
}

function byPriority(a: RankedTag, b: RankedTag): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  if (a.version && b.version) {
    const newerFirst = compareSemanticVersions(b.version, a.version);
    if (newerFirst !== 0) return newerFirst;
    // One version spelled twice: the unprefixed tag first.
    if (a.prefixed !== b.prefixed) return a.prefixed ? 1 : -1;
  }
  // Byte order among the rest, and between spellings that differ only in build metadata, so the order never depends on the input's.
  return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
}

/** The distinct tags in OpenShift's priority order; an empty tag (some registries list one) counts as `latest`. */
export function prioritizedTags(tags: readonly string[]): string[] {
  const unique = [...new Set(tags.map((t) => t || 'latest'))];
  return unique
    .map(rankTag)
    .sort(byPriority)
    .map((ranked) => ranked.tag);
}
