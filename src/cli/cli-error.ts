// An error the CLI reports to the user as `error: <message>` with exit code 1.
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * A failure as kubectl and oc print it: the server's refusals as `Error from server (Reason): …`
 * (an invalid object as `The Kind "name" is invalid: field: …`), everything else as `error: …`.
 */
export function failureLine(error: unknown): string {
  const refusal = error as { status?: unknown; reason?: unknown; details?: ServerRefusalDetails; message?: unknown };
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof CliError) || typeof refusal.status !== 'number' || typeof refusal.reason !== 'string' || refusal.status === 401)
    return `error: ${message}`;
  const details = refusal.details;
  if (refusal.reason === 'Invalid' && details && (details.kind || details.name)) {
    const subject = `The ${details.kind ?? ''} "${details.name ?? ''}" is invalid`;
    const causes = (details.causes ?? []).map((c) => `${c.field ?? ''}: ${c.message ?? ''}`);
    if (causes.length === 0) return `${subject}`;
    return `${subject}: ${causes.length === 1 ? causes[0] : `[${causes.join(', ')}]`}`;
  }
  return /^\d+$/.test(refusal.reason) ? `Error from server: ${message}` : `Error from server (${refusal.reason}): ${message}`;
}

interface ServerRefusalDetails {
  readonly kind?: string;
  readonly name?: string;
  readonly causes?: readonly { readonly field?: string; readonly message?: string }[];
}
