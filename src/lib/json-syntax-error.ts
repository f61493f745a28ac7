// Says what is wrong with text JSON.parse refused, by where it is and never by what it is: V8's
// message quotes the text around the mistake, and that text may be a Secret's data or a password.

/** `JSON.parse`'s complaint about some text, without a byte of that text. */
export function jsonSyntaxProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (/^Unexpected end of JSON input$/.test(message)) return 'unexpected end of JSON input';
  // "Expected ',' or '}' after property value in JSON at position 22 (line 1 column 23)": the
  // grammar's words and a position, nothing taken from the text.
  const where = /\bin JSON at (position \d+(?: \(line \d+ column \d+\))?)$|\bafter JSON at (position \d+(?: \(line \d+ column \d+\))?)$/.exec(message);
  const position = where?.[1] ?? where?.[2];
  if (!position) return 'unexpected character';
  if (/^Unexpected non-whitespace character after JSON/.test(message)) return `unexpected text after the JSON value at ${position}`;
  // Only V8's own words pass: quotes may hold no more than the one punctuation mark it expected.
  const grammar = /^((?:Expected|Bad|Unterminated|Exponent|No number) (?:[^'"]|'[,:}\]]')*?) (?:in|after) JSON at position/.exec(message);
  return grammar ? `${grammar[1].charAt(0).toLowerCase()}${grammar[1].slice(1)} at ${position}` : `invalid JSON at ${position}`;
}
