// When the scheduler tries a failed or deferred tag again, as a note at the end of the tag's
// ImportSuccess=False message: an absolute time, so that whoever reads it later (`describe is`)
// counts down from their own now instead of from when the note was written.
import { formatTimestamp } from '../kube/object.ts';

/** The reason of a tag the scheduler put off because its registry's rate limit is spent. */
export const deferredReason = 'RateLimited';

/** The note, and the relative form written before the time was absolute (still read, so it is replaced). */
const note = / \(next attempt (?:in \d+s|at (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ))\)$/;

export function withNextAttempt(message: string | undefined, at: Date): string {
  return `${withoutNextAttempt(message)} (next attempt at ${formatTimestamp(at)})`;
}

export function withoutNextAttempt(message: string | undefined): string {
  return (message ?? '').replace(note, '');
}

/** The time a message's note names, if it has one. */
export function nextAttemptOf(message: string | undefined): Date | undefined {
  const at = note.exec(message ?? '')?.[1];
  return at ? new Date(at) : undefined;
}
