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
