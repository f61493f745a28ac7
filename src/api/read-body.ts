// Reads a request body into memory, refusing it with TooLarge once it passes the limit, before it
// is all buffered.
import { AppError } from '../errors.ts';
import { readRequestAtMost } from '../lib/read-limited.ts';

export async function readBodyWithLimit(request: Request, maxBytes: number): Promise<Uint8Array> {
  const body = await readRequestAtMost(request, maxBytes);
  if (!body) throw tooLarge(maxBytes);
  return body;
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('TooLarge', `the request body is larger than the limit of ${maxBytes} bytes`);
}
