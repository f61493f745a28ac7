// Real peers (kubectl, skopeo, the distribution registry…) are optional on a developer's machine
// and required in CI (IMS_REQUIRE_PEERS=1). A missing peer skips its tests loudly, or fails in CI.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export const peersRequired = process.env.IMS_REQUIRE_PEERS === '1';

/** The path of an executable, looked up on PATH when not absolute; undefined when missing. */
export function findExecutable(name: string): string | undefined {
  if (name.startsWith('/')) return existsSync(name) ? name : undefined;
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Returns a reason to skip (and prints it loudly), or throws when peers are required. */
export function missingPeer(name: string, path: string | undefined, installHint: string): string | undefined {
  if (path) return undefined;
  const message = `PEER MISSING: ${name} is not installed (${installHint}); its tests are SKIPPED`;
  if (peersRequired) throw new Error(`${message} — but IMS_REQUIRE_PEERS=1 requires it`);
  process.stderr.write(`\n*** ${message} ***\n\n`);
  return message;
}
