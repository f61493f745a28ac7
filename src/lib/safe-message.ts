// Makes a message that may carry another system's words fit to store where many people read it:
// one line, bounded, with anything that looks like a credential replaced by [redacted]. It is the
// last guard, not the first: code should not put foreign text into messages in the first place.

const redacted = '[redacted]';

const schemes = 'Basic|basic|BASIC|Bearer|bearer|BEARER|Negotiate|NTLM|AWS4-HMAC-SHA256';
const keys =
  'password|passwd|pwd|secret|client_secret|token|access_token|refresh_token|id_token|api[_-]?key|auth|authorization|credentials?|cookie|set-cookie|x-registry-auth';

const rules: readonly [RegExp, string][] = [
  // Authorization header values: `Basic dXNlcjpwdw==`, `Bearer eyJ…`.
  [new RegExp(`\\b(${schemes})(\\s+)[^\\s"',;]+`, 'g'), `$1$2${redacted}`],
  // `password=…`, `"token": "…"`, `Authorization: …`, as query strings, JSON and headers spell them.
  [new RegExp(`\\b(${keys})(["']?\\s*[:=]\\s*["']?)(?!\\[redacted\\]|(?:${schemes})\\s)[^\\s"',;&}]+`, 'gi'), `$1$2${redacted}`],
  // JSON Web Tokens.
  [/\beyJ[\w-]{4,}\.[\w-]*(?:\.[\w-]*)?/g, redacted],
];

/** `text` as one line of at most `limit` characters, credentials redacted. */
export function safeMessage(text: string, limit = 512): string {
  let message = text
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
  for (const [pattern, replacement] of rules) message = message.replace(pattern, replacement);
  message = message.replace(/[A-Za-z0-9+/_=-]{16,}/g, (run) => (looksRandom(run) ? redacted : run));
  return message.length > limit ? `${message.slice(0, limit - 1)}…` : message;
}

/**
 * Upper case, lower case and digits together in one long run: base64 secrets almost always are;
 * digests (lower-case hex), repository paths (lower case) and words almost never are.
 */
function looksRandom(run: string): boolean {
  return /[A-Z]/.test(run) && /[a-z]/.test(run) && /\d/.test(run);
}
