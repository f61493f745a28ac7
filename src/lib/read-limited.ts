// Reads a web stream into memory, stopping (and cancelling the stream) as soon as it passes a
// limit, so an oversized body is never buffered whole.

/** The bytes of `body`, or undefined when they pass `limit` (the stream is then cancelled). */
export async function readAtMost(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Buffer | undefined> {
  if (!body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/**
 * A request's body, or undefined when it passes `limit`: refused on its declared Content-Length
 * before a byte is read (so the answer can go out while the client still sends), else while read.
 */
export async function readRequestAtMost(request: Request, limit: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return undefined;
  return readAtMost(request.body, limit);
}
